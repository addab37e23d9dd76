import cluster from 'node:cluster';
import type { ServerType } from '@hono/node-server';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { ConfigError, type Env, parseEnv, webhookAllowPrivate } from './config.js';
import { jsonLogger } from './log.js';
import { runClusterPrimary, WORKER_JOBS_VAR } from './node-cluster.js';
import { startBackgroundJobs } from './node-jobs.js';
import { openRuntime } from './runtime.js';
import { nodeMailTransport } from './node-mail.js';
import { composeMail } from '../portal/mail/compose-mail.js';
import { describeListenError, describeStartupError, ensurePortFree } from './startup.js';
import { checkSynchronousStandby } from './sync-standby.js';

/** Prints a start-up failure in one line (no stack trace) and exits. */
function failStartup(message: string, code = 1): never {
  process.stderr.write(`Permís failed to start: ${message}\n`);
  process.exit(code);
}

/**
 * Starts the Node.js server: configuration, database, migrations, keys, jobs, HTTP. With
 * WORKERS > 1 this process becomes a cluster primary (src/entry/node-cluster.ts) and each of
 * its workers runs this again as one server of several on the same port.
 */
async function main(): Promise<void> {
  let env;
  try {
    env = parseEnv(process.env);
    if (env.WORKERS > 1 && !env.DATABASE_URL) {
      throw new ConfigError('Invalid configuration: WORKERS: more than 1 worker process needs a PostgreSQL server (DATABASE_URL); the embedded PGlite allows one process');
    }
  } catch (err) {
    if (err instanceof ConfigError) failStartup(err.message, 2);
    throw err;
  }
  if (env.WORKERS > 1 && cluster.isPrimary) {
    try {
      await ensurePortFree(env.PORT, env.HOST);
    } catch (err) {
      failStartup(describeStartupError(err, env));
    }
    runClusterPrimary(env, failStartup);
    return;
  }
  await serveOne(env, { worker: cluster.isWorker, jobs: !cluster.isWorker || process.env[WORKER_JOBS_VAR] === '1' });
}

/** One server process: the whole app, alone or as one worker of a cluster. */
async function serveOne(env: Env, role: { worker: boolean; jobs: boolean }): Promise<void> {
  const log = jsonLogger(env.LOG_LEVEL);
  // The port first: a busy port must not cost a migration of a brand-new database. (A worker's
  // port belongs to the cluster primary, which has checked it.)
  let rt;
  let deps;
  try {
    if (!role.worker) await ensurePortFree(env.PORT, env.HOST);
    rt = await openRuntime(env);
    if (env.DATABASE_URL) await checkSynchronousStandby(rt.db, env.DATABASE_URL, env.DATABASE_SYNC_STANDBY, log);
    deps = await rt.deps(log);
  } catch (err) {
    await rt?.close().catch(() => {});
    failStartup(describeStartupError(err, env));
  }
  const app = createApp(deps);
  const transport = nodeMailTransport(env, log);
  const jobs = role.jobs
    ? startBackgroundJobs(deps, {
        expirySweepSeconds: env.EXPIRY_SWEEP_SECONDS,
        webhookAllowPrivate: webhookAllowPrivate(env),
        log,
        mail: transport ? { transport, compose: composeMail } : undefined,
      })
    : undefined;
  const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
    if (role.worker) return; // the primary announces the cluster once
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
    void jobs?.stop();
    void rt.close().finally(() => failStartup(describeListenError(err, env.PORT, env.HOST)));
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    transport?.close();
    await Promise.all([jobs?.stop(), drain(server, env.SHUTDOWN_TIMEOUT_SECONDS * 1000)]);
    await rt.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/**
 * Stops taking connections and waits for the requests in progress to be answered: idle
 * keep-alive connections are closed at once and as they fall idle, and whatever is still open
 * after `timeoutMs` is closed.
 */
function drain(server: ServerType, timeoutMs: number): Promise<void> {
  const http = server as import('node:http').Server;
  return new Promise((resolve) => {
    const sweep = setInterval(() => http.closeIdleConnections(), 50);
    const deadline = setTimeout(() => http.closeAllConnections(), timeoutMs);
    http.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
    http.closeIdleConnections();
  });
}

main().catch((err: unknown) => failStartup(describeStartupError(err, { DATA_DIR: process.env.DATA_DIR || './data', PORT: Number(process.env.PORT) || 8787, HOST: process.env.HOST || '127.0.0.1', DATABASE_URL: process.env.DATABASE_URL })));
