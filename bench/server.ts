/**
 * The bench server, run as a child process by bench/run.ts: the production app built exactly
 * as `src/entry/node.ts` builds it (parseEnv → openRuntime → deps → createApp, served by
 * @hono/node-server), plus the baseline routes of bench/baselines.ts in the same process on
 * the same pool. Background jobs are not started, so only requests are measured.
 *
 * Environment: the usual (DATABASE_URL, PORT, HOST, PUBLIC_URL, KEY_ENCRYPTION_KEY…) and
 * BENCH_SERVICE_ID, the service the floor route reads and writes for.
 * Prints `BENCH_READY <port>` on stdout once listening; SIGTERM stops it.
 */
import cluster from 'node:cluster';
import { serve } from '@hono/node-server';
import { parseEnv } from '../src/entry/config.js';
import { jsonLogger } from '../src/entry/log.js';
import { openRuntime } from '../src/entry/runtime.js';
import { createApp } from '../src/entry/app.js';
import { baselineApp } from './baselines.js';
import { instrumentDb } from '../src/entry/instrumented-db.js';
import { prometheusMetrics } from '../src/entry/prometheus.js';

/** Whether `url` (absolute) has a path under /bench/. */
function isBaseline(url: string): boolean {
  const path = url.indexOf('/', url.indexOf('://') + 3);
  return path !== -1 && url.startsWith('/bench/', path);
}

/** BENCH_WORKERS > 1: a node:cluster primary forking that many servers on one port (as WORKERS does). */
function clusterPrimary(workers: number, port: string): void {
  let listening = 0;
  cluster.on('listening', () => {
    if (++listening === workers) process.stdout.write(`BENCH_READY ${port}\n`);
  });
  cluster.on('exit', () => {
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  });
  const stop = () => Object.values(cluster.workers ?? {}).forEach((w) => w?.process.kill('SIGTERM'));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  for (let i = 0; i < workers; i++) cluster.fork();
}

async function main(): Promise<void> {
  const workers = Number(process.env.BENCH_WORKERS || '1');
  if (workers > 1 && cluster.isPrimary) return clusterPrimary(workers, process.env.PORT ?? '');
  const env = parseEnv(process.env);
  const serviceId = process.env.BENCH_SERVICE_ID;
  if (!env.DATABASE_URL || !serviceId) throw new Error('DATABASE_URL and BENCH_SERVICE_ID are required');
  const rt = await openRuntime(env);
  const deps = await rt.deps(jsonLogger(env.LOG_LEVEL));
  const app = createApp(deps);
  // The same app with metrics on (prom-client, as `npm start` with METRICS_TOKEN wires it), chosen
  // per request by `x-bench-metrics: on`: the check's cost of metrics, measured in one process.
  const prom = prometheusMetrics();
  const withMetrics = createApp({
    ...deps,
    db: instrumentDb(deps.db, prom.metrics, env.DATABASE_POOL_MAX),
    metrics: prom.metrics,
    metricsExposition: prom.exposition,
    config: { ...deps.config, metricsToken: 'bench-metrics-token-0123456789abcdef' },
  });
  const baselines = baselineApp(deps, serviceId);
  const server = serve(
    {
      fetch: (req: Request, bindings: unknown) =>
        isBaseline(req.url) ? baselines.fetch(req) : req.headers.get('x-bench-metrics') === 'on' ? withMetrics.fetch(req, bindings) : app.fetch(req, bindings),
      port: env.PORT,
      hostname: env.HOST,
    },
    (info) => {
      if (!cluster.isWorker) process.stdout.write(`BENCH_READY ${info.port}\n`);
    },
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close();
    // Exit normally, so --cpu-prof (BENCH_PROFILE) writes its profile.
    void rt.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench server failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
