/**
 * `npm run bench:failover`: how long Permís stops writing when its primary database dies.
 * Builds a pg_auto_failover formation (monitor, primary, synchronous standby; the settings of
 * docs/production.md) in a temporary folder, runs two Node replicas on its multi-host URL and a
 * mixed load (test/cluster/workload.ts: sign-ups, grants, pauses, resumes, withdrawals, checks,
 * batch checks), kills the primary with SIGKILL and prints, from that one run: the time from the
 * kill to the first acknowledged write, the 503 answers, the longest request and checks/s before
 * and after. Targets (printed, never asserted): writes resume within 10 s; no request over 5 s.
 * Everything is torn down at the end, also on Ctrl-C. Knobs: BENCH_FAILOVER_BEFORE_SECONDS (15),
 * BENCH_FAILOVER_AFTER_SECONDS (15), BENCH_FAILOVER_BASE_PORT (21300).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { cli, newKek, type Server, startNode } from '../test/conformance/support/processes.js';
import { createFormation, type Formation, freePortRun, RECOMMENDED_SETTINGS } from '../test/cluster/formation.js';
import { Workload } from '../test/cluster/workload.js';

const num = (name: string, dflt: number) => {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
};
const BEFORE = num('BENCH_FAILOVER_BEFORE_SECONDS', 15) * 1000;
const AFTER = num('BENCH_FAILOVER_AFTER_SECONDS', 15) * 1000;
const BASE_PORT = num('BENCH_FAILOVER_BASE_PORT', 21300);
const LIMITS = { DATABASE_CONNECT_TIMEOUT_MS: '2000', DATABASE_ACQUIRE_TIMEOUT_MS: '2000', DATABASE_STATEMENT_TIMEOUT_MS: '3000' };
const CLIENT_ID = 'ajuts-energia';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  let formation: Formation | undefined;
  const replicas: Server[] = [];
  let dir: string | undefined;
  const teardown = async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await formation?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void teardown().finally(() => process.exit(130)));
  try {
    say('building the formation (monitor + two nodes, ~30 s) …');
    formation = await createFormation({ basePort: BASE_PORT, log: (l) => say(`  ${l}`) });
    const admin = postgres(await formation.uri('postgres'), { max: 1, onnotice: () => {} });
    await admin.unsafe('create database permis');
    const [{ version }] = (await admin`select version()`) as unknown as [{ version: string }];
    await admin.end();
    const url = await formation.uri('permis');
    const kek = newKek();
    dir = await mkdtemp(join(tmpdir(), 'permis-bench-failover-'));
    const env = { DATABASE_URL: url, KEY_ENCRYPTION_KEY: kek, DATA_DIR: dir };
    await cli(env, 'migrate');
    await cli(env, 'services', 'add', '--file', 'examples/service.example.json');
    await cli(env, 'services', 'keygen', CLIENT_ID, '--out', join(dir, 'key.json'));
    const key = await readFile(join(dir, 'key.json'), 'utf8');
    const port = await freePortRun(BASE_PORT + 100, 2, BASE_PORT + 900);
    for (const [i, name] of ['a', 'b'].entries()) {
      replicas.push(await startNode({ name: `failover-${name}`, port: port + i, databaseUrl: `${url}&application_name=permis-failover-${name}`, kek, env: LIMITS }));
    }
    const work = new Workload(replicas.map((r) => r.baseUrl), CLIENT_ID, key);
    await work.prepare();
    const primary = await formation.waitStable();
    say(`two replicas up; load for ${BEFORE / 1000} s, then the primary (${primary.name}) is killed …`);
    const load0 = loadavg();
    work.start({ lifecycles: 4, checkers: 6, batches: 1 });
    await sleep(BEFORE);
    const killedAt = Date.now();
    formation.kill(primary);
    const promoted = await formation.waitPromoted(primary);
    const promotedAt = Date.now();
    let resumedAt: number | undefined;
    for (const end = Date.now() + 120_000; !resumedAt && Date.now() < end; await sleep(100)) resumedAt = work.firstAckAfter(killedAt);
    await sleep(AFTER);
    await work.stop();
    const load1 = loadavg();

    const window = (from: number, to: number) => work.checks.filter((c) => c.ackAt >= from && c.ackAt < to).length / ((to - from) / 1000);
    const measured = Math.min(10_000, BEFORE - 2000);
    const before = window(killedAt - measured, killedAt);
    const after = resumedAt ? window(resumedAt + 2000, Math.min(resumedAt + 2000 + measured, Date.now())) : 0;
    const unavailable = work.calls.filter((c) => c.status === 503);
    const otherErrors = work.calls.filter((c) => c.status === 0 || (c.status >= 500 && c.status !== 503));
    const durations = work.calls.map((c) => c.ms).sort((a, b) => a - b);
    const longest = durations[durations.length - 1] ?? 0;
    const p99 = durations[Math.floor(durations.length * 0.99)] ?? 0;
    const during = work.calls.filter((c) => c.start >= killedAt && c.start < (resumedAt ?? killedAt));
    const report = {
      startedAt: new Date(killedAt - BEFORE).toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', node: process.version, postgres: version, loadavgBefore: load0, loadavgAfter: load1 },
      settings: RECOMMENDED_SETTINGS,
      limits: LIMITS,
      killed: primary.name,
      promoted: promoted.name,
      promotedAfterMs: promotedAt - killedAt,
      writesResumedAfterMs: resumedAt ? resumedAt - killedAt : null,
      calls: work.calls.length,
      callsDuringOutage: during.length,
      answers503: unavailable.length,
      otherErrors: otherErrors.length,
      longestRequestMs: longest,
      p99RequestMs: p99,
      checksPerSecondBefore: Math.round(before),
      checksPerSecondAfter: Math.round(after),
      acknowledgedTransitions: work.acks.length,
      acknowledgedChecks: work.checks.length,
      unsafePermits: work.unsafePermits().length,
    };
    await mkdir('bench-results', { recursive: true });
    await writeFile('bench-results/failover.json', JSON.stringify(report, null, 2));
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
    const rows: [string, string][] = [
      ['primary killed → standby promoted', `${(report.promotedAfterMs / 1000).toFixed(1)} s (${primary.name} → ${promoted.name})`],
      ['primary killed → first acknowledged write', resumedAt ? `${(report.writesResumedAfterMs! / 1000).toFixed(1)} s` : 'never'],
      ['503 answers', `${report.answers503} of ${report.calls} calls (${unavailable.filter((c) => !c.retryAfter).length} without Retry-After; ${report.callsDuringOutage} calls sent during the outage)`],
      ['other 5xx or no answer', String(report.otherErrors)],
      ['longest request', `${longest} ms (p99 ${p99} ms)`],
      ['checks/s before (last 10 s)', report.checksPerSecondBefore.toLocaleString('en')],
      ['checks/s after (10 s, from 2 s after resuming)', report.checksPerSecondAfter.toLocaleString('en')],
      ['acknowledged transitions / checks', `${report.acknowledgedTransitions} / ${report.acknowledgedChecks.toLocaleString('en')}`],
      ['permits after an acknowledged withdrawal or pause', String(report.unsafePermits)],
    ];
    const w = Math.max(...rows.map(([k]) => k.length));
    const out = [
      `Permís failover benchmark — pg_auto_failover formation (monitor + 2 nodes, synchronous standby), 2 Node replicas`,
      `  ${report.machine.cpus} × ${report.machine.cpuModel} · Node ${process.version} · ${version.split(' on ')[0]}`,
      `  load: 4 citizen lifecycles, 6 single-check and 1 batch-check (25) workers over both replicas; ${BEFORE / 1000} s before the kill, ${AFTER / 1000} s after writes resumed`,
      `  replica limits: connect ${LIMITS.DATABASE_CONNECT_TIMEOUT_MS} ms, pool wait ${LIMITS.DATABASE_ACQUIRE_TIMEOUT_MS} ms, statement ${LIMITS.DATABASE_STATEMENT_TIMEOUT_MS} ms`,
      `  load average before ${load0.map((x) => x.toFixed(2)).join(' ')} · after ${load1.map((x) => x.toFixed(2)).join(' ')}`,
      '',
      ...rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`),
      '',
      `target  writes resume ≤ 10 s after the kill: ${resumedAt ? `${(report.writesResumedAfterMs! / 1000).toFixed(1)} s` : 'never'} → ${verdict(!!resumedAt && report.writesResumedAfterMs! <= 10_000)}`,
      `target  no request over 5 s: longest ${longest} ms → ${verdict(longest <= 5000)}`,
      `safety  permits after an acknowledged withdrawal or pause: ${report.unsafePermits} → ${verdict(report.unsafePermits === 0)}`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await teardown();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:failover failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
