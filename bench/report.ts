/**
 * The benchmark's result: the printed table (with PASS/MISS next to each target, never an
 * assertion) and the same as JSON.
 */
import type { CpuShare } from './cpu.js';
import type { LoadResult } from './load.js';
import type { RssSeries } from './rss.js';

/** The check path's targets, against the floor measured in the same run (issue 18). */
export const TARGETS = { checkOverFloor: 0.9, checkP99OverFloorP99: 1.2, batchOverFloor: 8, rssMiB: 250 } as const;

/** A measured scenario. */
export type Scenario = LoadResult & { name: string; checksPerRequest: number; checksPerSec: number; cpu: CpuShare };

/** Everything the run produced. */
export interface BenchReport {
  startedAt: string;
  memory: RssSeries;
  /** The check on 1 and on N server processes (one port, node:cluster), taking turns. */
  scaling: { processes: number; rps: number; p99: number; cpu: number }[];
  machine: { cpus: number; cpuModel: string; node: string; postgres: string; loadavgBefore: number[]; loadavgAfter: number[] };
  config: { connections: number; seconds: number; rounds: number; warmupSeconds: number; poolMax: number; batchSize: number; requestedConsents: number };
  seed: { consents: number; citizens: number; subjectBindings: number; services: number; subjectsPerService: number; seconds: number; note: string };
  scenarios: Scenario[];
  ratios: { checkOverFloor: number; checkOverHello: number; batchChecksOverFloor: number; metricsCost?: number };
  targets: {
    checkOverFloor: { target: number; value: number; pass: boolean };
    checkP99OverFloorP99: { target: number; value: number; pass: boolean };
    batchOverFloor: { target: number; value: number; pass: boolean };
    rssMiB: { target: number; value: number; pass: boolean };
  };
  audit: { checkedRows: number; ok2xxChecks: number; pass: boolean; decisions: { decision: string; reason: string | null; count: number }[] };
}

const n0 = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '—');
const flag = (ok: boolean) => (ok ? 'PASS' : 'MISS');

/** The human-readable table. */
export function formatReport(r: BenchReport): string {
  const lines: string[] = [];
  lines.push(
    `Permís check benchmark — ${n0(r.seed.consents)} consents (${n0(r.seed.citizens)} citizens, ${r.seed.services} services) seeded in ${r.seed.seconds.toFixed(1)} s`,
    `  ${r.seed.note}`,
    `  ${r.config.connections} connections · ${r.config.seconds} s per scenario in ${r.config.rounds} alternating rounds, after ${r.config.warmupSeconds} s warm-up · DATABASE_POOL_MAX ${r.config.poolMax}`,
    `  req/s and p99: the median of the ${r.config.rounds} rounds; p50, p99.9 and max over all responses`,
    `  ${r.machine.cpus} × ${r.machine.cpuModel} · Node ${r.machine.node} · ${r.machine.postgres} · load generator on the same machine`,
    `  load average before ${r.machine.loadavgBefore.map((x) => x.toFixed(2)).join(' ')} · after ${r.machine.loadavgAfter.map((x) => x.toFixed(2)).join(' ')}`,
    '',
  );
  const head = ['scenario', 'req/s', 'checks/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'non-2xx', 'errors', 'CPU % server/pg/loadgen/all'];
  const rows = r.scenarios.map((s) => [
    s.name,
    n0(s.rps),
    s.checksPerRequest ? n0(s.checksPerSec) : '—',
    ms(s.p50),
    ms(s.p99),
    ms(s.p999),
    ms(s.max),
    n0(s.non2xx),
    n0(s.errors),
    [s.cpu.server, s.cpu.postgresBackends, s.cpu.loadGenerator, s.cpu.machine].map((x) => x.toFixed(0)).join(' / '),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  lines.push(fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt), '');
  lines.push(
    `ratios: check/floor ${r.ratios.checkOverFloor.toFixed(2)} · check/hello ${r.ratios.checkOverHello.toFixed(2)} · ` +
      `batch checks/s ÷ floor req/s ${r.ratios.batchChecksOverFloor.toFixed(1)}`,
    ...(r.ratios.metricsCost !== undefined && Number.isFinite(r.ratios.metricsCost)
      ? [`metrics check req/s with metrics ${((1 - r.ratios.metricsCost) * 100).toFixed(1)} % of without: cost ${(r.ratios.metricsCost * 100).toFixed(1)} % (target < 3 %)`]
      : []),
    `target  check ≥ ${r.targets.checkOverFloor.target} × floor req/s: ${r.targets.checkOverFloor.value.toFixed(2)} × → ${flag(r.targets.checkOverFloor.pass)}`,
    `target  check p99 ≤ ${r.targets.checkP99OverFloorP99.target} × floor p99: ${r.targets.checkP99OverFloorP99.value.toFixed(2)} × → ${flag(r.targets.checkP99OverFloorP99.pass)}`,
    `target  batch (${r.config.batchSize}) checks/s ≥ ${r.targets.batchOverFloor.target} × floor req/s: ${r.targets.batchOverFloor.value.toFixed(1)} × → ${flag(r.targets.batchOverFloor.pass)}`,
    `target  server RSS ≤ ${r.targets.rssMiB.target} MiB: max ${r.memory.maxMiB.toFixed(0)} MiB (start ${r.memory.startMiB.toFixed(0)}, end ${r.memory.endMiB.toFixed(0)}, drift ${r.memory.driftMiB.toFixed(1)} MiB over ${r.memory.samples.at(-1)?.s.toFixed(0) ?? 0} s) → ${flag(r.targets.rssMiB.pass)}`,
    `audit   ${n0(r.audit.checkedRows)} consent.checked rows ≥ ${n0(r.audit.ok2xxChecks)} checks answered 2xx (warm-ups included) → ${flag(r.audit.pass)}`,
  );
  if (r.scaling.length > 1) {
    const one = r.scaling[0]!;
    lines.push(
      `scaling ${r.scaling.map((x) => `${x.processes} process${x.processes > 1 ? 'es' : ''}: ${n0(x.rps)} req/s, p99 ${ms(x.p99)} ms, server CPU ${x.cpu.toFixed(0)} %`).join(' · ')}` +
        ` → ×${(r.scaling.at(-1)!.rps / one.rps).toFixed(2)} on ${r.machine.cpus} cores shared with PostgreSQL and the load generator`,
    );
  }
  const total = r.audit.decisions.reduce((a, d) => a + d.count, 0) || 1;
  const mix = r.audit.decisions
    .sort((a, b) => b.count - a.count)
    .map((d) => `${d.reason ?? d.decision} ${((d.count / total) * 100).toFixed(1)} %`)
    .join(', ');
  lines.push(`checks  decisions: ${mix}`);
  return lines.join('\n');
}
