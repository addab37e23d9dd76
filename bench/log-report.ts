/**
 * The log benchmark's result: the printed table (PASS/MISS next to each target, never an
 * assertion) and the same as JSON.
 */

/** The transparency log's targets (integration rate, proof latencies). */
export const LOG_TARGETS = { leavesPerSec: 20_000, proofP99Ms: 5 } as const;

/** Latency percentiles of a series of proofs, in milliseconds. */
export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** One kind of proof: the measured series (judged against the target) and the warm-up before it. */
export interface ProofLatency extends Percentiles {
  /** The first proofs after the process started, timed too but not judged. */
  warmup: Percentiles;
  /** Proofs checked with the SDK's verifiers (all must pass). */
  verified: number;
  /** Mean proof length in hashes. */
  meanHashes: number;
}

/** Everything the log benchmark produced. */
export interface LogBenchReport {
  startedAt: string;
  machine: { cpus: number; cpuModel: string; node: string; postgres: string; loadavgBefore: number[]; loadavgAfter: number[] };
  config: { leaves: number; batch: number; proofs: number; warmup: number; path: string };
  seed: { events: number; seconds: number; note: string };
  /** After integration, before the proofs: what a running server's autovacuum and checkpointer do. */
  settle: { seconds: number; note: string };
  integration: { leaves: number; seconds: number; leavesPerSec: number; batches: number; firstHalfLeavesPerSec: number; secondHalfLeavesPerSec: number };
  tree: { size: number; nodes: number; tiles: number; checkpoints: number };
  inclusion: ProofLatency;
  consistency: ProofLatency;
  targets: {
    leavesPerSec: { target: number; value: number; pass: boolean };
    inclusionP99Ms: { target: number; value: number; pass: boolean };
    consistencyP99Ms: { target: number; value: number; pass: boolean };
  };
}

const n0 = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '—');
const flag = (ok: boolean) => (ok ? 'PASS' : 'MISS');

/** The human-readable table. */
export function formatLogReport(r: LogBenchReport): string {
  const i = r.integration;
  const lines = [
    `Permís log benchmark — ${n0(r.tree.size)} leaves (${n0(r.tree.nodes)} stored nodes in ${n0(r.tree.tiles)} tiles, ${n0(r.tree.checkpoints)} checkpoints)`,
    `  seeded ${n0(r.seed.events)} pending events in ${r.seed.seconds.toFixed(1)} s — ${r.seed.note}`,
    `  ${r.machine.cpus} × ${r.machine.cpuModel} · Node ${r.machine.node} · ${r.machine.postgres} · everything on the same machine`,
    `  load average before ${r.machine.loadavgBefore.map((x) => x.toFixed(2)).join(' ')} · after ${r.machine.loadavgAfter.map((x) => x.toFixed(2)).join(' ')}`,
    '',
    `integration  ${n0(i.leaves)} leaves in ${i.seconds.toFixed(1)} s = ${n0(i.leavesPerSec)} leaves/s (batches of ${n0(r.config.batch)}; first half ${n0(i.firstHalfLeavesPerSec)}/s, second half ${n0(i.secondHalfLeavesPerSec)}/s)`,
    `then        ${r.settle.note}: ${r.settle.seconds.toFixed(1)} s`,
    '',
  ];
  const head = ['proof', 'count', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'hashes', 'verified'];
  const row = (name: string, p: Percentiles, hashes: string, verified: string) => [name, n0(p.count), ms(p.p50), ms(p.p99), ms(p.p999), ms(p.max), hashes, verified];
  const rows = (
    [
      ['inclusion', r.inclusion],
      ['consistency', r.consistency],
    ] as const
  ).flatMap(([name, p]) => [row(`${name}, warm-up`, p.warmup, '', ''), row(name, p, p.meanHashes.toFixed(1), n0(p.verified))]);
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k]!.length)));
  const fmt = (row: string[]) => row.map((c, k) => (k === 0 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ');
  lines.push(
    `proofs through ${r.config.path}, one at a time, against the ${n0(r.tree.size)}-leaf tree;`,
    `each kind's first ${n0(r.config.warmup)} after the process started (warm-up: code compiled, connections and caches warm) are shown but not judged:`,
    fmt(head),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(fmt),
    '',
  );
  const t = r.targets;
  lines.push(
    `target  integration ≥ ${n0(t.leavesPerSec.target)} leaves/s: ${n0(t.leavesPerSec.value)} → ${flag(t.leavesPerSec.pass)}`,
    `target  inclusion proof p99 < ${t.inclusionP99Ms.target} ms: ${ms(t.inclusionP99Ms.value)} ms → ${flag(t.inclusionP99Ms.pass)}`,
    `target  consistency proof p99 < ${t.consistencyP99Ms.target} ms: ${ms(t.consistencyP99Ms.value)} ms → ${flag(t.consistencyP99Ms.pass)}`,
  );
  return lines.join('\n');
}
