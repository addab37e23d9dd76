/**
 * WORKERS > 1: the primary process of a node:cluster. It forks WORKERS copies of the server
 * (src/entry/node.ts run again as workers), which share one listening port — the primary
 * accepts connections and hands them to the workers in turn (cluster's round-robin
 * scheduling). It never opens the database and serves no request itself.
 *
 * - Background jobs run in one worker only (worker 1, and its replacement if it dies); they
 *   are safe to run in several processes anyway (advisory locks and leases), so this only
 *   saves the duplicate work.
 * - A worker that exits before every worker is listening stops the whole start-up with its
 *   exit code (its own message is already on stderr); one that dies later is replaced.
 * - SIGTERM or SIGINT: each worker drains (stops taking connections, finishes the requests
 *   in progress, closes its pool) and exits; the primary exits once all have, 0 when every
 *   worker stopped cleanly.
 */
import cluster, { type Worker } from 'node:cluster';
import { publicUrlOf, type Env } from './config.js';

/** The environment variable telling a worker whether to run the background jobs. */
export const WORKER_JOBS_VAR = 'PERMIS_WORKER_JOBS';

/** Forks `env.WORKERS` workers on `env.PORT` and supervises them until a signal stops them all. */
export function runClusterPrimary(env: Env, fail: (message: string, code?: number) => never): void {
  const workers = new Map<number, { worker: Worker; jobs: boolean }>();
  let listening = 0;
  let ready = false;
  let stopping = false;
  let failedCode = 0;

  const fork = (jobs: boolean) => {
    const worker = cluster.fork({ [WORKER_JOBS_VAR]: jobs ? '1' : '0' });
    workers.set(worker.id, { worker, jobs });
    return worker;
  };

  cluster.on('listening', () => {
    listening++;
    if (!ready && listening === env.WORKERS) {
      ready = true;
      const engine = 'PostgreSQL server';
      const url = publicUrlOf(env);
      process.stdout.write(
        `Permís is listening on http://${env.HOST === '127.0.0.1' ? 'localhost' : env.HOST}:${env.PORT}` +
          ` (public URL ${url}; database: ${engine}; ${env.WORKERS} worker processes, pid ${process.pid})\n` +
          `  Portal (open it in a browser): ${url}/\n` +
          `  API reference: ${url}/docs\n`,
      );
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    const entry = workers.get(worker.id);
    workers.delete(worker.id);
    if (stopping) {
      if (code !== 0 && signal === null) failedCode = code;
      if (workers.size === 0) process.exit(failedCode);
      return;
    }
    if (!ready) {
      // A start-up failure: the worker has said why on stderr. Stop the others and leave.
      stopping = true;
      failedCode = code || 1;
      for (const { worker: w } of workers.values()) w.process.kill('SIGTERM');
      if (workers.size === 0) process.exit(failedCode);
      return;
    }
    process.stderr.write(
      `${JSON.stringify({ level: 'error', msg: 'worker process died; starting another', pid: worker.process.pid, code, signal })}\n`,
    );
    fork(entry?.jobs ?? false);
  });

  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Each worker drains within SHUTDOWN_TIMEOUT_SECONDS; a worker still there after twice that is killed.
    for (const { worker } of workers.values()) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const { worker } of workers.values()) worker.process.kill('SIGKILL');
      fail('workers did not stop in time; killed', 1);
    }, env.SHUTDOWN_TIMEOUT_SECONDS * 2000).unref();
    if (workers.size === 0) process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  for (let i = 0; i < env.WORKERS; i++) fork(i === 0);
}
