import { readFile } from 'node:fs/promises';
import { ConfigError, parseEnv, publicUrlOf } from './config.js';
import { runAdminCommand } from './cli/admin.js';
import { runKeysCommand } from './cli/keys.js';
import { nodeLogContext, runLogCommand } from './cli/log.js';
import { runServicesCommand } from './cli/services.js';
import { defaultKeyFile, writeKeyFile } from './cli/key-file.js';
import { openRuntime } from './runtime.js';
import { runWitness } from './witness.js';
import { describeStartupError } from './startup.js';

const usage = `Usage: npm run permis -- <command>

Commands:
  migrate                         apply pending database migrations
  services add --file <json>      register a service (see examples/service.example.json)
  services list | show <id> | suspend <id> | activate <id> | set-jwks <id> --file <jwks.json>
  services keygen <id> [--out <key.json>]
                                  new Ed25519 key for the service: public half into its JWKS,
                                  private JWK (mode 0600) into <key.json>, by default
                                  ~/.config/permis/keys/<clientId>-key.json (for private_key_jwt)
  admin invite [--role admin|officer]
                                  print a one-time enrolment code (bootstraps the first admin)
  admin list                      list the accounts holding a role
  keys list                       list signing keys (public data only)
  keys rotate <receipt|token|checkpoint|all>
                                  make a new active key; retired public keys stay in the JWKS
  witness                         run a C2SP tlog-witness for other logs (WITNESS_NAME, WITNESS_LOGS,
                                  WITNESS_KEY_FILE, PORT; see docs/witnesses.md)
  log verify [--url URL] [--state FILE] [--key KEY]
                                  verify a running server's transparency log (see \`log help\`)

Configuration comes from the same environment variables as the server (docs/operators.md).`;

/** The `permis` command line: one dispatcher over the command modules. */
async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    out(usage);
    return cmd ? 0 : 2;
  }
  // Talks to a server over HTTP only: no configuration, no database.
  if (cmd === 'witness') return runWitness(process.env, out);
  if (cmd === 'log') return runLogCommand(rest, nodeLogContext(out, err, process.env.DATA_DIR || './data'));
  if (!['migrate', 'services', 'keys', 'admin'].includes(cmd)) {
    process.stderr.write(`Unknown command: ${cmd}\n\n${usage}\n`);
    return 2;
  }
  const env = parseEnv(process.env);
  const rt = await openRuntime(env, { migrate: true });
  try {
    switch (cmd) {
      case 'migrate':
        out('Database schema is up to date.');
        return 0;
      case 'admin':
        return await runAdminCommand(rest, { db: rt.db, clock: rt.clock, random: rt.random, publicUrl: publicUrlOf(env), out, err });
      case 'services':
        return await runServicesCommand(rest, { db: rt.db, clock: rt.clock, random: rt.random, out, err, readFile: (p: string) => readFile(p, 'utf8'), writeSecretFile: writeKeyFile, defaultKeyFile: (clientId) => defaultKeyFile(clientId) });
      default:
        return await runKeysCommand(rest, {
          db: rt.db,
          kek: rt.kek,
          clock: rt.clock,
          random: rt.random,
          out,
          err,
          configuredUses: [
            ...(env.RECEIPT_SIGNING_KEY ? (['receipt'] as const) : []),
            ...(env.TOKEN_SIGNING_KEY ? (['token'] as const) : []),
            ...(env.CHECKPOINT_SIGNING_KEY ? (['checkpoint'] as const) : []),
          ],
        });
    }
  } finally {
    await rt.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const env = { DATA_DIR: process.env.DATA_DIR || './data', PORT: Number(process.env.PORT) || 8787, HOST: process.env.HOST || '127.0.0.1', DATABASE_URL: process.env.DATABASE_URL };
    process.stderr.write(`${err instanceof ConfigError ? err.message : `error: ${describeStartupError(err, env)}`}\n`);
    process.exit(1);
  },
);
