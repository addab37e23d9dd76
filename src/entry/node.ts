import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { ConfigError, parseEnv, webhookAllowPrivate } from './config.js';
import { jsonLogger } from './log.js';
import { startBackgroundJobs } from './node-jobs.js';
import { openRuntime } from './runtime.js';
import { nodeMailTransport } from './node-mail.js';
import { composeMail } from '../portal/mail/compose-mail.js';
import { describeListenError, describeStartupError, ensurePortFree } from './startup.js';

/** Prints a start-up failure in one line (no stack trace) and exits. */
function failStartup(message: string, code = 1): never {
  process.stderr.write(`Permís failed to start: ${message}\n`);
  process.exit(code);
}
import { checkSynchronousStandby } from './sync-standby.js';

/** Starts the Node.js server: configuration, database, migrations, keys, jobs, HTTP. */
async function main(): Promise<void> {
  let env;
  try {
    env = parseEnv(process.env);
  } catch (err) {
    if (err instanceof ConfigError) failStartup(err.message, 2);
    throw err;
  }
  const log = jsonLogger(env.LOG_LEVEL);
  // The port first: a busy port must not cost a migration of a brand-new database.
  let rt;
  let deps;
  try {
    await ensurePortFree(env.PORT, env.HOST);
    rt = await openRuntime(env);
    if (env.DATABASE_URL) await checkSynchronousStandby(rt.db, env.DATABASE_URL, env.DATABASE_SYNC_STANDBY, log);
    deps = await rt.deps(log);
  } catch (err) {
    await rt?.close().catch(() => {});
    failStartup(describeStartupError(err, env));
  }
  const app = createApp(deps);
  const transport = nodeMailTransport(env, log);
  const jobs = startBackgroundJobs(deps, {
    expirySweepSeconds: env.EXPIRY_SWEEP_SECONDS,
    webhookAllowPrivate: webhookAllowPrivate(env),
    log,
    mail: transport ? { transport, compose: composeMail } : undefined,
  });
  const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
    const engine = env.DATABASE_URL ? 'PostgreSQL server' : `embedded PGlite in ${env.DATA_DIR}`;
    process.stdout.write(
      `Permís is listening on http://${info.address === '127.0.0.1' ? 'localhost' : info.address}:${info.port}` +
        ` (public URL ${deps.config.publicUrl}; database: ${engine})\n` +
        `  Portal (open it in a browser): ${deps.config.publicUrl}/\n` +
        `  API reference: ${deps.config.publicUrl}/docs\n`,
    );
  });
  // Taken between the check and here by another process, the port still fails in one line.
  server.once('error', (err) => {
    jobs.stop();
    void rt.close().finally(() => failStartup(describeListenError(err, env.PORT, env.HOST)));
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    jobs.stop();
    transport?.close();
    server.close();
    await rt.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => failStartup(describeStartupError(err, { DATA_DIR: process.env.DATA_DIR || './data', PORT: Number(process.env.PORT) || 8787, HOST: process.env.HOST || '127.0.0.1', DATABASE_URL: process.env.DATABASE_URL })));
