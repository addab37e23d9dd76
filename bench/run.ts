/**
 * `npm run bench`: the benchmark sections, each
 * in its own database on the PostgreSQL server, dropped at the end — `check`, then `log`
 * (bench/log.ts, also alone as `npm run bench:log`). BENCH_SECTIONS (comma-separated, default
 * `check,log`) picks them.
 *
 * The check section creates its own database, seeds ≥ 1M consents, starts the real server in
 * a child process, and measures in one run the Hono hello world, the floor (the check's SQL
 * without auth, validation or logic) and the consent check, single and batched, at 32
 * connections. Prints req/s and p50/p99/p99.9 with the ratios and PASS/MISS against the
 * targets (never asserted), writes bench-results/check.json, verifies every 2xx check is in the
 * audit log, and drops its database. Only 127.0.0.1 is loaded; every run is bounded in time.
 *
 * Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_SECTIONS (check,log), BENCH_CONSENTS (1000000), BENCH_SECONDS (9, per scenario, split
 * into BENCH_ROUNDS (3) rounds that take turns; req/s and p99 are their medians),
 * BENCH_MEMORY_SECONDS (0: check load kept on that long after the rounds, RSS sampled),
 * BENCH_SCALE_WORKERS (2: the check on 1 and on that many processes on one port; 0 skips), BENCH_WARMUP_SECONDS (3),
 * BENCH_CONNECTIONS (32), DATABASE_POOL_MAX (10, the server's default),
 * BENCH_PROFILE=1 (CPU profile of the server into bench-results/profile/), BENCH_ONLY
 * (a comma-separated subset of hello,floor,check,batch, for profiling; ratios then show NaN);
 * the log section's are in bench/log.ts (BENCH_LOG_LEAVES, BENCH_LOG_BATCH, BENCH_LOG_PROOFS).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { makeBodies } from './bodies.js';
import { type BenchServer, ROOT, startBenchServer } from './child.js';
import { type CpuShare, cpuMeter } from './cpu.js';
import { createBenchDatabase } from './database.js';
import { SERVICES } from './layout.js';
import { type LoadSample, type LoadSpec, roundMedians, runLoad, summarise } from './load.js';
import { rssSampler } from './rss.js';
import { type BenchReport, formatReport, type Scenario, TARGETS } from './report.js';
import { runLogBench } from './log.js';
import { seed } from './seed.js';
import { fetchAccessToken } from './token.js';

const int = (name: string, def: number, min: number, max: number): number => {
  const raw = process.env[name];
  const v = raw === undefined || raw === '' ? def : Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${name} must be an integer in ${min}…${max}`);
  return v;
};

const cfg = {
  serverUrl: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  consents: int('BENCH_CONSENTS', 1_000_000, 1000, 20_000_000),
  seconds: int('BENCH_SECONDS', 9, 1, 600),
  warmupSeconds: int('BENCH_WARMUP_SECONDS', 3, 0, 60),
  rounds: int('BENCH_ROUNDS', 3, 1, 20),
  memorySeconds: int('BENCH_MEMORY_SECONDS', 0, 0, 3600),
  scaleWorkers: int('BENCH_SCALE_WORKERS', 2, 0, 64),
  connections: int('BENCH_CONNECTIONS', 32, 1, 256),
  poolMax: int('DATABASE_POOL_MAX', 10, 1, 200),
  batchSize: 100,
  profile: process.env.BENCH_PROFILE === '1',
};

const RESULTS = join(ROOT, 'bench-results');
const log = (msg: string) => process.stderr.write(`${msg}\n`);

/** The sections, in the order they run. */
const SECTIONS = ['check', 'log'] as const;
type Section = (typeof SECTIONS)[number];

/** BENCH_SECTIONS, checked: the sections to run, in their order. */
function chosenSections(): Section[] {
  const raw = (process.env.BENCH_SECTIONS ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  const unknown = raw.filter((x) => !(SECTIONS as readonly string[]).includes(x));
  if (unknown.length) throw new Error(`BENCH_SECTIONS: unknown section ${unknown.join(', ')} (known: ${SECTIONS.join(', ')})`);
  return raw.length ? SECTIONS.filter((x) => raw.includes(x)) : [...SECTIONS];
}

async function main(): Promise<void> {
  const sections = chosenSections();
  // All sections in one run stay near ten minutes: the log section at 2M leaves unless told
  // (`npm run bench:log` alone keeps its 10M default).
  if (sections.length > 1 && !process.env.BENCH_LOG_LEAVES) process.env.BENCH_LOG_LEAVES = '2000000';
  for (const section of sections) {
    if (sections.length > 1) log(`\n=== ${section} benchmark ===`);
    if (section === 'check') await runCheckBench();
    else await runLogBench();
  }
}

/** The check section: seeds, serves, loads and reports (see the top of this file). */
async function runCheckBench(): Promise<void> {
  const startedAt = new Date().toISOString();
  const loadavgBefore = loadavg();
  log(`creating a benchmark database on ${new URL(cfg.serverUrl).host}…`);
  const bench = await createBenchDatabase(cfg.serverUrl);
  log(`database ${bench.name} created and migrated`);
  let server: BenchServer | undefined;
  let scaled: BenchServer | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await server?.stop();
      await scaled?.stop();
      await bench.drop();
      log(`database ${bench.name} dropped`);
    })());
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const seeded = await seed(bench.db, cfg.consents);
    log(`seeded ${seeded.consents.toLocaleString('en-US')} consents in ${seeded.seconds.toFixed(1)} s`);
    const bodies = makeBodies(seeded.subjectsPerService, 20_000, 1_000, cfg.batchSize);

    const profileDir = cfg.profile ? join(RESULTS, 'profile') : undefined;
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    // One key-encryption key for every server on this database (they share its sealed signing keys).
    const kek = { KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url') };
    server = await startBenchServer({ databaseUrl: bench.url, serviceId: seeded.serviceIds[0]!, poolMax: cfg.poolMax, cpuProfDir: profileDir, env: kek });
    log(`bench server listening on ${server.origin} (pid ${server.pid})`);
    const token = () => fetchAccessToken(server!.origin, server!.origin, seeded.clientId, seeded.key, 'consents:check');
    await preflight(server, await token(), bodies.single[0]!);

    type Spec = LoadSpec & { key: string; checksPerRequest: number; auth?: boolean };
    const all: Spec[] = [
      { key: 'hello', name: 'hello', method: 'GET', path: '/bench/hello', checksPerRequest: 0 },
      { key: 'floor', name: 'floor', method: 'POST', path: '/bench/floor', bodies: bodies.single, checksPerRequest: 0 },
      { key: 'check', name: 'check', method: 'POST', path: '/v1/check', bodies: bodies.single, checksPerRequest: 1, auth: true },
      // The same check with metrics recorded (prom-client), to show their cost.
      { key: 'check-metrics', name: 'check (metrics on)', method: 'POST', path: '/v1/check', headers: { 'x-bench-metrics': 'on' }, bodies: bodies.single, checksPerRequest: 1, auth: true },
      { key: 'batch', name: `check batch (${cfg.batchSize})`, method: 'POST', path: '/v1/check/batch', bodies: bodies.batch, checksPerRequest: cfg.batchSize, auth: true },
    ];
    const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
    const specs = all.filter((s) => !only.length || only.includes(s.key));
    // Access tokens live 5 minutes: a fresh one for every run.
    const withAuth = async (spec: Spec): Promise<LoadSpec> => (spec.auth ? { ...spec, headers: { ...spec.headers, authorization: `Bearer ${await token()}` } } : spec);
    let ok2xxChecks = 0;
    // The server's RSS from the warm-up to the end (and through the soak, BENCH_MEMORY_SECONDS).
    const rss = rssSampler(server.pid);
    for (const spec of specs) {
      if (cfg.warmupSeconds === 0) break;
      log(`${spec.name}: warm-up ${cfg.warmupSeconds} s…`);
      const w = await runLoad(server.port, await withAuth(spec), cfg.connections, cfg.warmupSeconds);
      ok2xxChecks += w.latencies.length * spec.checksPerRequest;
    }
    // The scenarios take turns (rounds), so a change in the machine's other load during the
    // run touches them alike instead of skewing the ratios.
    const samples = new Map<string, LoadSample[]>(specs.map((s) => [s.key, []]));
    const cpuSamples = new Map<string, CpuShare[]>(specs.map((s) => [s.key, []]));
    const perRound = cfg.seconds / cfg.rounds;
    for (let round = 1; round <= cfg.rounds; round++) {
      for (const spec of specs) {
        log(`${spec.name}: measuring ${perRound} s at ${cfg.connections} connections (round ${round}/${cfg.rounds})…`);
        const backends = await bench.db.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
        const load = await withAuth(spec);
        const meter = cpuMeter(server.pid, backends.map((b) => b.pid));
        const r = await runLoad(server.port, load, cfg.connections, perRound);
        cpuSamples.get(spec.key)!.push(meter.stop());
        samples.get(spec.key)!.push(r);
        ok2xxChecks += r.latencies.length * spec.checksPerRequest;
        if (r.non2xx || r.errors) log(`${spec.name}: ${r.non2xx} non-2xx ${JSON.stringify(r.statusCodes)}, ${r.errors} errors`);
      }
    }
    const checkSpec = specs.find((s) => s.key === 'check');
    // Scaling: the same check against one server process and against BENCH_SCALE_WORKERS
    // processes on one port (node:cluster, as WORKERS runs the product), taking turns.
    const scaling: { processes: number; rps: number; p99: number; cpu: number }[] = [];
    if (cfg.scaleWorkers > 1 && checkSpec) {
      scaled = await startBenchServer({ databaseUrl: bench.url, serviceId: seeded.serviceIds[0]!, poolMax: cfg.poolMax, env: { ...kek, BENCH_WORKERS: String(cfg.scaleWorkers) } });
      log(`scaling: ${cfg.scaleWorkers} processes listening on ${scaled.origin}`);
      const sides = [
        { processes: 1, srv: server, samples: [] as LoadSample[], cpu: [] as number[] },
        { processes: cfg.scaleWorkers, srv: scaled, samples: [] as LoadSample[], cpu: [] as number[] },
      ];
      const authFor = async (srv: BenchServer): Promise<LoadSpec> => ({
        ...checkSpec,
        headers: { authorization: `Bearer ${await fetchAccessToken(srv.origin, srv.origin, seeded.clientId, seeded.key, 'consents:check')}` },
      });
      if (cfg.warmupSeconds) await runLoad(scaled.port, await authFor(scaled), cfg.connections, cfg.warmupSeconds);
      for (let round = 1; round <= cfg.rounds; round++) {
        for (const side of round % 2 ? sides : [...sides].reverse()) {
          log(`scaling: check on ${side.processes} process(es), ${perRound} s (round ${round}/${cfg.rounds})…`);
          const meter = cpuMeter(side.srv.pid, []);
          const r = await runLoad(side.srv.port, await authFor(side.srv), cfg.connections, perRound);
          side.cpu.push(meter.stop().server);
          side.samples.push(r);
          ok2xxChecks += r.latencies.length;
        }
      }
      for (const side of sides) {
        const m = roundMedians(side.samples);
        scaling.push({ processes: side.processes, rps: m.rps, p99: m.p99, cpu: side.cpu.reduce((a, c) => a + c, 0) / side.cpu.length });
      }
      await scaled.stop();
    }
    if (cfg.memorySeconds > 0 && checkSpec) {
      log(`memory: check load for ${cfg.memorySeconds} s, RSS sampled every second…`);
      const r = await runLoad(server.port, await withAuth(checkSpec), cfg.connections, cfg.memorySeconds);
      ok2xxChecks += r.latencies.length;
    }
    const memory = rss.stop();
    log(`memory: RSS start ${memory.startMiB} MiB, max ${memory.maxMiB} MiB, end ${memory.endMiB} MiB, drift ${memory.driftMiB} MiB`);
    // Each figure is the median over the rounds (each round summarised alone); p50/p99.9/max over all responses.
    const scenarios: Scenario[] = specs.map((spec) => {
      const m = roundMedians(samples.get(spec.key)!);
      const r = { ...summarise(samples.get(spec.key)!), rps: m.rps, p99: m.p99 };
      const cpus = cpuSamples.get(spec.key)!;
      const mean = (f: (c: CpuShare) => number) => Math.round((cpus.reduce((a, c) => a + f(c), 0) / cpus.length) * 10) / 10;
      const cpu: CpuShare = { server: mean((c) => c.server), postgresBackends: mean((c) => c.postgresBackends), loadGenerator: mean((c) => c.loadGenerator), machine: mean((c) => c.machine) };
      log(`${spec.name}: ${Math.round(r.rps)} req/s, p99 ${r.p99.toFixed(2)} ms`);
      return { ...r, name: spec.name, checksPerRequest: spec.checksPerRequest, checksPerSec: r.rps * spec.checksPerRequest, cpu };
    });
    const loadavgAfter = loadavg();

    // Every 2xx check answer must already be in the audit log.
    const [checked] = await bench.db.query<{ n: bigint }>("select count(*) as n from audit_events where type = 'consent.checked'");
    const decisions = await bench.db.query<{ decision: string; reason: string | null; count: bigint }>(
      `select data->>'decision' as decision, data->>'reason' as reason, count(*) as count
       from audit_events where type = 'consent.checked' group by 1, 2`,
    );
    const [pg] = await bench.db.query<{ v: string }>("select 'PostgreSQL ' || current_setting('server_version') as v");

    const rps = (name: string) => scenarios.find((s) => s.name === name)?.rps ?? NaN;
    const check = scenarios.find((s) => s.name === 'check');
    const batchChecks = scenarios.find((s) => s.checksPerRequest > 1)?.checksPerSec ?? NaN;
    const checkOverFloor = rps('check') / rps('floor');
    const checkP99 = check?.p99 ?? NaN;
    const floorP99 = scenarios.find((s) => s.name === 'floor')?.p99 ?? NaN;
    const batchOverFloor = batchChecks / rps('floor');
    const report: BenchReport = {
      startedAt,
      memory,
      scaling,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown', node: process.versions.node, postgres: pg!.v, loadavgBefore, loadavgAfter },
      config: {
        connections: cfg.connections,
        seconds: cfg.seconds,
        rounds: cfg.rounds,
        warmupSeconds: cfg.warmupSeconds,
        poolMax: cfg.poolMax,
        batchSize: cfg.batchSize,
        requestedConsents: cfg.consents,
      },
      seed: {
        consents: seeded.consents,
        citizens: seeded.citizens,
        subjectBindings: seeded.bindings,
        services: SERVICES.length,
        subjectsPerService: seeded.subjectsPerService,
        seconds: seeded.seconds,
        note: 'consents seeded directly (insert … select, not through the API): no receipts, revisions or audit events for seeded rows',
      },
      scenarios,
      ratios: { checkOverFloor, checkOverHello: rps('check') / rps('hello'), batchChecksOverFloor: batchChecks / rps('floor'), metricsCost: 1 - rps('check (metrics on)') / rps('check') },
      targets: {
        checkOverFloor: { target: TARGETS.checkOverFloor, value: checkOverFloor, pass: checkOverFloor >= TARGETS.checkOverFloor },
        checkP99OverFloorP99: { target: TARGETS.checkP99OverFloorP99, value: checkP99 / floorP99, pass: checkP99 / floorP99 <= TARGETS.checkP99OverFloorP99 },
        batchOverFloor: { target: TARGETS.batchOverFloor, value: batchOverFloor, pass: batchOverFloor >= TARGETS.batchOverFloor },
        rssMiB: { target: TARGETS.rssMiB, value: memory.maxMiB, pass: memory.maxMiB <= TARGETS.rssMiB },
      },
      audit: {
        checkedRows: Number(checked!.n),
        ok2xxChecks,
        pass: Number(checked!.n) >= ok2xxChecks,
        decisions: decisions.map((d) => ({ decision: d.decision, reason: d.reason, count: Number(d.count) })),
      },
    };
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, 'check.json'), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\n${formatReport(report)}\n\n(written to bench-results/check.json)\n`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
    if (cfg.profile) log('CPU profile of the server: bench-results/profile/*.cpuprofile');
  }
}

/** One request of each kind before measuring, so a broken setup fails loudly instead of measuring 4xx. */
async function preflight(server: BenchServer, token: string, body: string): Promise<void> {
  const hello = await fetch(`${server.origin}/bench/hello`);
  if (hello.status !== 200) throw new Error(`hello answered ${hello.status}`);
  const floor = await fetch(`${server.origin}/bench/floor`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (floor.status !== 200) throw new Error(`floor answered ${floor.status}: ${await floor.text()}`);
  const check = await fetch(`${server.origin}/v1/check`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  const text = await check.text();
  if (check.status !== 200) throw new Error(`check answered ${check.status}: ${text}`);
  log(`preflight: check ${body} → ${text}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
