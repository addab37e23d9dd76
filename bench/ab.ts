/**
 * `npm run bench:ab`: a before/after comparison of two source trees in one run. Seeds one
 * database, starts the bench server of each tree (bench/server.ts, the product as `npm start`
 * builds it) on it, and measures the same scenarios on both, the two taking turns round by
 * round (which goes first alternates), so a change in the machine's other load touches both
 * alike. Prints each side's median req/s and p99 over the rounds and the after ÷ before ratio.
 *
 * Environment: BENCH_AB_BEFORE (required: the root of the "before" tree, with node_modules —
 * e.g. `git archive <ref> | tar -x -C /tmp/before && ln -s "$PWD/node_modules" /tmp/before/`),
 * BENCH_AB_ONLY (scenarios, comma-separated: check, batch, floor, hello; default check),
 * BENCH_CONSENTS (100000), BENCH_SECONDS (5 per round and side), BENCH_ROUNDS (3),
 * BENCH_WARMUP_SECONDS (3), BENCH_CONNECTIONS (32), DATABASE_POOL_MAX (10), BENCH_DATABASE_URL.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { makeBodies } from './bodies.js';
import { type BenchServer, startBenchServer } from './child.js';
import { cpuMeter } from './cpu.js';
import { createBenchDatabase } from './database.js';
import { type LoadSample, type LoadSpec, median, roundMedians, runLoad } from './load.js';
import { seed } from './seed.js';
import { fetchAccessToken } from './token.js';
import { envInt } from './env.js';

const before = process.env.BENCH_AB_BEFORE;
if (!before) throw new Error('BENCH_AB_BEFORE must name the root of the "before" source tree');
const cfg = {
  serverUrl: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  consents: envInt('BENCH_CONSENTS', 100_000, 1000, 20_000_000),
  seconds: envInt('BENCH_SECONDS', 5, 1, 120),
  rounds: envInt('BENCH_ROUNDS', 3, 1, 20),
  warmupSeconds: envInt('BENCH_WARMUP_SECONDS', 3, 0, 60),
  connections: envInt('BENCH_CONNECTIONS', 32, 1, 256),
  poolMax: envInt('DATABASE_POOL_MAX', 10, 1, 200),
  only: (process.env.BENCH_AB_ONLY || 'check').split(',').map((x) => x.trim()).filter(Boolean),
};
const log = (msg: string) => process.stderr.write(`${msg}\n`);

async function main(): Promise<void> {
  const load0 = loadavg();
  const bench = await createBenchDatabase(cfg.serverUrl);
  const servers: { name: string; server?: BenchServer }[] = [{ name: 'before' }, { name: 'after' }];
  const cleanup = async () => {
    for (const s of servers) await s.server?.stop();
    await bench.drop();
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  try {
    const seeded = await seed(bench.db, cfg.consents);
    const bodies = makeBodies(seeded.subjectsPerService, 20_000, 1_000, 100);
    // One key-encryption key for both: they share the database and its sealed signing keys.
    const env = { KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url') };
    for (const s of servers) {
      s.server = await startBenchServer({ databaseUrl: bench.url, serviceId: seeded.serviceIds[0]!, poolMax: cfg.poolMax, root: s.name === 'before' ? resolve(before!) : undefined, env });
      log(`${s.name}: listening on ${s.server.origin} (pid ${s.server.pid})`);
    }
    type Spec = LoadSpec & { key: string; auth?: boolean };
    const all: Spec[] = [
      { key: 'hello', name: 'hello', method: 'GET', path: '/bench/hello' },
      { key: 'floor', name: 'floor', method: 'POST', path: '/bench/floor', bodies: bodies.single },
      { key: 'check', name: 'check', method: 'POST', path: '/v1/check', bodies: bodies.single, auth: true },
      { key: 'batch', name: 'check batch (100)', method: 'POST', path: '/v1/check/batch', bodies: bodies.batch, auth: true },
    ];
    const specs = all.filter((s) => cfg.only.includes(s.key));
    const withAuth = async (spec: Spec, server: BenchServer): Promise<LoadSpec> =>
      spec.auth
        ? { ...spec, headers: { authorization: `Bearer ${await fetchAccessToken(server.origin, server.origin, seeded.clientId, seeded.key, 'consents:check')}` } }
        : spec;
    for (const spec of specs) {
      for (const s of servers) if (cfg.warmupSeconds) await runLoad(s.server!.port, await withAuth(spec, s.server!), cfg.connections, cfg.warmupSeconds);
    }
    const samples = new Map<string, LoadSample[]>();
    const cpu = new Map<string, number[]>();
    for (let round = 1; round <= cfg.rounds; round++) {
      for (const spec of specs) {
        const order = round % 2 ? servers : [...servers].reverse();
        for (const s of order) {
          const key = `${spec.key}/${s.name}`;
          const meter = cpuMeter(s.server!.pid, []);
          const r = await runLoad(s.server!.port, await withAuth(spec, s.server!), cfg.connections, cfg.seconds);
          (cpu.get(key) ?? cpu.set(key, []).get(key)!).push(meter.stop().server);
          (samples.get(key) ?? samples.set(key, []).get(key)!).push(r);
          if (r.non2xx || r.errors) log(`${key}: ${r.non2xx} non-2xx ${JSON.stringify(r.statusCodes)}, ${r.errors} errors`);
          log(`round ${round}/${cfg.rounds} ${key}: ${Math.round(r.latencies.length / r.seconds)} req/s`);
        }
      }
    }
    const load1 = loadavg();
    const lines = [
      `before/after — ${seeded.consents.toLocaleString('en-US')} consents · ${cfg.connections} connections · ${cfg.rounds} rounds of ${cfg.seconds} s per side, alternating`,
      `  before: ${resolve(before!)} · after: this tree · load average before ${load0.map((x) => x.toFixed(2)).join(' ')} · after ${load1.map((x) => x.toFixed(2)).join(' ')}`,
      '',
      'scenario             side     req/s (median)  rounds req/s             p50 ms  p99 ms (median)  server CPU %',
    ];
    for (const spec of specs) {
      const m = servers.map((s) => roundMedians(samples.get(`${spec.key}/${s.name}`)!));
      servers.forEach((s, i) => {
        const r = m[i]!;
        lines.push(
          `${spec.name.padEnd(20)} ${s.name.padEnd(7)} ${Math.round(r.rps).toLocaleString('en-US').padStart(14)}  ${r.roundsRps.map((x) => Math.round(x)).join(' / ').padEnd(24)} ${r.p50.toFixed(2).padStart(6)} ${r.p99.toFixed(2).padStart(15)}  ${median(cpu.get(`${spec.key}/${s.name}`)!).toFixed(0).padStart(12)}`,
        );
      });
      lines.push(`${''.padEnd(20)} after ÷ before: req/s ${(m[1]!.rps / m[0]!.rps).toFixed(3)} · p99 ${(m[1]!.p99 / m[0]!.p99).toFixed(3)}`);
    }
    process.stdout.write(`\n${lines.join('\n')}\n`);
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:ab failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
