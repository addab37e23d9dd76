import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { ConfigError, parseEnv } from './config.js';
import { jsonLogger } from './log.js';
import { startBackgroundJobs } from './node-jobs.js';
import { openRuntime } from './runtime.js';
import { nodeMailTransport } from './node-mail.js';
import { composeMail } from '../portal/mail/compose-mail.js';

/** Starts the Node.js server: configuration, database, migrations, keys, jobs, HTTP. */
async function main(): Promise<void> {
  let env;
  try {
    env = parseEnv(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = jsonLogger(env.LOG_LEVEL);
  const rt = await openRuntime(env);
  const deps = await rt.deps(log);
  const app = createApp(deps);
  const transport = nodeMailTransport(env, log);
  const jobs = startBackgroundJobs(deps, {
    expirySweepSeconds: env.EXPIRY_SWEEP_SECONDS,
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

main().catch((err: unknown) => {
  process.stderr.write(`Permís failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
