/**
 * The log benchmark: on the PostgreSQL server, in its own database
 * `permis_bench_log_<random>` (dropped at the end), seeds ≥ 10M pending `consent.checked`
 * events, integrates them all with the real integrator (`integrateLog`, with the Node entry's
 * synchronous SHA-256, as `npm start` runs it) measuring leaves/s, settles the new tables as a
 * running server would have (vacuum, analyse, checkpoint), then measures inclusion- and
 * consistency-proof latency (p50/p99/p99.9) through the HTTP routes in-process
 * (`app.request`) of a fresh process (bench/log-proofs.ts), checking a sample of the proofs
 * with the SDK's verifiers. Prints a table
 * with PASS/MISS against the targets (never asserted) and writes bench-results/log.json.
 *
 * Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_LOG_LEAVES (10000000), BENCH_LOG_BATCH (events per integrator batch, 10000),
 * BENCH_LOG_PROOFS (proofs of each kind, 2000), BENCH_LOG_WARMUP (proofs of each kind before
 * those, reported but not judged; default BENCH_LOG_PROOFS), BENCH_LOG_KEEP (1: keep the database and print
 * how to time the proofs on it again with bench/log-proofs.ts, for work on the proof path;
 * drop it by hand afterwards).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openKeyRing } from '../src/keys/open-key-ring.js';
import { systemClock, systemRandom } from '../src/domain/runtime.js';
import { nodeSha256 } from '../src/entry/node-sha256.js';
import type { AppDeps } from '../src/core/deps.js';
import { integrateLog } from '../src/log/integrate-log.js';
import { createBenchDatabase } from './database.js';
import { formatLogReport, LOG_TARGETS, type LogBenchReport } from './log-report.js';
import { logBenchConfig, type ProofResults } from './log-proofs.js';
import { seedLogEvents } from './log-seed.js';
import { progressBar } from './progress.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (msg: string) => process.stderr.write(`${msg}\n`);

const int = (name: string, def: number, min: number, max: number): number => {
  const raw = process.env[name];
  const v = raw === undefined || raw === '' ? def : Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${name} must be an integer in ${min}…${max}`);
  return v;
};

/** Runs the log benchmark once; resolves with its report (also printed and written). */
export async function runLogBench(): Promise<LogBenchReport> {
  const proofs = int('BENCH_LOG_PROOFS', 2000, 10, 100_000);
  const cfg = {
    serverUrl: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    leaves: int('BENCH_LOG_LEAVES', 10_000_000, 1000, 100_000_000),
    batch: int('BENCH_LOG_BATCH', 10_000, 100, 100_000),
    proofs,
    warmup: int('BENCH_LOG_WARMUP', proofs, 0, 100_000),
    keep: process.env.BENCH_LOG_KEEP === '1',
  };
  const startedAt = new Date().toISOString();
  const loadavgBefore = loadavg();
  log(`creating a log benchmark database on ${new URL(cfg.serverUrl).host}…`);
  // The log benchmark's own database: seeding, the integrator and the proofs share its pool.
  const bench = await createBenchDatabase(cfg.serverUrl, { prefix: 'permis_bench_log_', poolMax: 4 });
  log(`database ${bench.name} created and migrated`);
  const onSignal = () => void bench.drop().finally(() => process.exit(130));
  // The key-encryption key of the log's signing keys: kept databases need it to be read again.
  const kek = systemRandom.bytes(32);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const seedSeconds = await seedLogEvents(bench.db, cfg.leaves);
    log(`seeded ${cfg.leaves.toLocaleString('en-US')} events in ${seedSeconds.toFixed(1)} s`);

    const keys = await openKeyRing(bench.db, { kek, clock: systemClock, random: systemRandom });
    const deps: AppDeps = {
      db: bench.db,
      keys,
      clock: systemClock,
      random: systemRandom,
      config: logBenchConfig(),
    };

    // Integration: the real integrator in one call, as the Node entry's job runs it while
    // catching up (batch after batch until nothing is pending); progress after each batch.
    const bar = progressBar('integrating', cfg.leaves, 'leaves');
    const t0 = performance.now();
    let done = 0;
    let halfAt = NaN;
    const size = await integrateLog(deps, {
      batch: cfg.batch,
      sha256: nodeSha256,
      onStage: (stage) => {
        if (stage !== 'checkpoint-stored') return;
        const added = Math.min(cfg.batch, cfg.leaves - done);
        done += added;
        bar.tick(added);
        if (Number.isNaN(halfAt) && done >= cfg.leaves / 2) halfAt = (performance.now() - t0) / 1000;
      },
    });
    const integrationSeconds = (performance.now() - t0) / 1000;
    bar.done();
    const leaves = Number(size);
    log(`integrated ${leaves.toLocaleString('en-US')} leaves in ${integrationSeconds.toFixed(1)} s (${Math.round(leaves / integrationSeconds).toLocaleString('en-US')}/s)`);

    const [counts] = await bench.db.query<{ nodes: bigint; tiles: bigint; checkpoints: bigint; pending: bigint }>(
      `select (select coalesce(sum(length(hashes)), 0) / 32 from log_tiles) as nodes, (select count(*) from log_tiles) as tiles, (select count(*) from log_checkpoints) as checkpoints,
              (select count(*) from log_pending) as pending`,
    );
    if (Number(counts!.pending) !== 0) throw new Error(`${counts!.pending} events still pending after integration`);

    // What autovacuum and the checkpointer of a running server would have done by now (the check
    // section's seeding does the same for its tables): the fresh log tables vacuumed and
    // analysed, and everything written out, so the proofs are measured on a settled log rather
    // than against the write-back of millions of new rows.
    const settleStart = performance.now();
    for (const t of SETTLED_TABLES) await bench.db.exec(`vacuum (analyze) ${t}`);
    await bench.db.exec('checkpoint');
    const settleSeconds = (performance.now() - settleStart) / 1000;
    log(`vacuum (analyze) ${SETTLED_TABLES.join(', ')} and checkpoint: ${settleSeconds.toFixed(1)} s`);
    // The proofs, timed in a process of their own (bench/log-proofs.ts): a server that opens
    // the log, not this one with the heap and connections of ten million integrations.
    const { inclusion, consistency } = await proofsInChild(bench.url, kek, cfg.proofs, cfg.warmup);

    const [pg] = await bench.db.query<{ v: string }>("select 'PostgreSQL ' || current_setting('server_version') as v");
    const half = cfg.leaves / 2;
    const leavesPerSec = leaves / integrationSeconds;
    const report: LogBenchReport = {
      startedAt,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown', node: process.versions.node, postgres: pg!.v, loadavgBefore, loadavgAfter: loadavg() },
      config: { leaves: cfg.leaves, batch: cfg.batch, proofs: cfg.proofs, warmup: cfg.warmup, path: 'the HTTP routes in-process (app.request) of a fresh process' },
      seed: { events: cfg.leaves, seconds: seedSeconds, note: 'consent.checked events inserted directly (insert … select generate_series), all product indexes in place' },
      settle: { seconds: settleSeconds, note: `vacuum (analyze) ${SETTLED_TABLES.join(', ')}; checkpoint` },
      integration: {
        leaves,
        seconds: integrationSeconds,
        leavesPerSec,
        batches: Math.ceil(leaves / cfg.batch),
        firstHalfLeavesPerSec: half / halfAt,
        secondHalfLeavesPerSec: (leaves - half) / (integrationSeconds - halfAt),
      },
      tree: { size: leaves, nodes: Number(counts!.nodes), tiles: Number(counts!.tiles), checkpoints: Number(counts!.checkpoints) },
      inclusion,
      consistency,
      targets: {
        leavesPerSec: { target: LOG_TARGETS.leavesPerSec, value: leavesPerSec, pass: leavesPerSec >= LOG_TARGETS.leavesPerSec },
        inclusionP99Ms: { target: LOG_TARGETS.proofP99Ms, value: inclusion.p99, pass: inclusion.p99 < LOG_TARGETS.proofP99Ms },
        consistencyP99Ms: { target: LOG_TARGETS.proofP99Ms, value: consistency.p99, pass: consistency.p99 < LOG_TARGETS.proofP99Ms },
      },
    };
    const dir = join(ROOT, 'bench-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'log.json'), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\n${formatLogReport(report)}\n\n(written to bench-results/log.json)\n`);
    return report;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (cfg.keep) {
      await bench.db.close();
      const again = `BENCH_LOG_DB_URL=${bench.url} BENCH_LOG_KEK=${Buffer.from(kek).toString('hex')} BENCH_LOG_PROOFS=${cfg.proofs} BENCH_LOG_WARMUP=${cfg.warmup} npx tsx bench/log-proofs.ts`;
      log(`database ${bench.name} kept (BENCH_LOG_KEEP=1); time the proofs again with\n  ${again}\nand drop it with: psql -h 127.0.0.1 -U postgres -c 'drop database ${bench.name}'`);
    } else {
      await bench.drop();
      log(`database ${bench.name} dropped`);
    }
  }
}

/** The tables the integration wrote, settled before the proofs are measured. */
const SETTLED_TABLES = ['log_tiles', 'log_leaves', 'log_pending', 'log_checkpoints'];

/** Runs bench/log-proofs.ts (node + tsx) on the database at `url` (keys under `kek`); resolves with its results. */
function proofsInChild(url: string, kek: Uint8Array, proofs: number, warmup: number): Promise<ProofResults> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'log-proofs.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_LOG_DB_URL: url, BENCH_LOG_KEK: Buffer.from(kek).toString('hex'), BENCH_LOG_PROOFS: String(proofs), BENCH_LOG_WARMUP: String(warmup) },
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`the proof process exited with code ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as ProofResults);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runLogBench();
}
