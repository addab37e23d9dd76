/**
 * Disclosure control of open-data releases (issue 22): no published count from 1 to k − 1, and
 * no combination of published counts and totals in a release recovers a withheld one — checked
 * here with exact rational arithmetic, independently of the implementation's own check.
 */
import { describe, expect, it } from 'vitest';
import { COUNT_MEASURES, CHECK_PARTS, CHECK_TOTAL } from '../src/open-data/measures.js';
import type { MonthlyStatistics, ServiceMonth } from '../src/open-data/monthly-counts.js';
import { discreteLaplace, seededNoise } from '../src/open-data/laplace-noise.js';
import { releaseTable, type PreviewCell } from '../src/open-data/release-table.js';
import { primarySuppression, recoverableEntries, suppressTable, type Line } from '../src/open-data/suppress-table.js';

/** A small deterministic PRNG (mulberry32) for generated tables. */
function prng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rank of an integer matrix, exactly (fraction-free elimination over BigInt). */
function rank(m: bigint[][]): number {
  const a = m.map((r) => [...r]);
  let r = 0;
  const cols = a[0]?.length ?? 0;
  for (let c = 0; c < cols && r < a.length; c++) {
    const p = a.findIndex((row, i) => i >= r && row[c] !== 0n);
    if (p < 0) continue;
    [a[r], a[p]] = [a[p]!, a[r]!];
    for (let i = r + 1; i < a.length; i++) {
      if (a[i]![c] === 0n) continue;
      const f = a[i]![c]!;
      const g = a[r]![c]!;
      a[i] = a[i]!.map((v, j) => v * g - a[r]![j]! * f);
    }
    r++;
  }
  return r;
}

/**
 * The withheld cells that an attacker can compute exactly from one month of a release: the
 * unknowns are the withheld cells, the equations every sum the release states (city total =
 * Σ services per measure; checks made = permitted + Σ denied per row). Cell i is determined iff
 * adding the equation x_i = c does not raise the rank.
 */
function exactlyRecoverable(cells: PreviewCell[], services: string[]): PreviewCell[] {
  const counts = cells.filter((c) => COUNT_MEASURES.includes(c.measure));
  const withheld = counts.filter((c) => c.value === null);
  if (withheld.length === 0) return [];
  const col = new Map(withheld.map((c, i) => [c, i]));
  const find = (service: string | null, measure: string) => counts.find((c) => c.service === service && c.measure === measure)!;
  const eqs: bigint[][] = [];
  const add = (parts: PreviewCell[], total: PreviewCell) => {
    const row = new Array<bigint>(withheld.length).fill(0n);
    for (const p of parts) if (col.has(p)) row[col.get(p)!]! += 1n;
    if (col.has(total)) row[col.get(total)!]! -= 1n;
    if (row.some((v) => v !== 0n)) eqs.push(row);
  };
  for (const m of COUNT_MEASURES) add(services.map((s) => find(s, m)), find(null, m));
  for (const s of [...services, null]) add(CHECK_PARTS.map((m) => find(s, m)), find(s, CHECK_TOTAL));
  const base = eqs.length ? rank(eqs) : 0;
  return withheld.filter((c) => {
    const unit = new Array<bigint>(withheld.length).fill(0n);
    unit[col.get(c)!] = 1n;
    return rank([...eqs, unit]) === base;
  });
}

function syntheticStats(random: () => number, nServices: number, months: string[]): MonthlyStatistics {
  const services = Array.from({ length: nServices }, (_, i) => `service-${i}`);
  const cells: ServiceMonth[] = [];
  for (const service of services)
    for (const month of months) {
      const counts: Record<string, number> = {};
      for (const m of COUNT_MEASURES) {
        // Mostly small numbers, some zeros, some large: the hard case for suppression.
        const r = random();
        counts[m] = r < 0.25 ? 0 : r < 0.6 ? Math.floor(random() * 10) : Math.floor(random() * 200);
      }
      counts[CHECK_TOTAL] = CHECK_PARTS.reduce((s, m) => s + counts[m]!, 0);
      cells.push({ service, month, counts, median: null, approvals: 0 });
    }
  return { services, months, cells, through: null };
}

describe('primary suppression', () => {
  it('withholds exactly the counts from 1 to k − 1', () => {
    expect(primarySuppression([0, 1, 9, 10, 11], 10)).toEqual([null, 'primary', 'primary', null, null]);
    expect(() => primarySuppression([1], 0)).toThrow(RangeError);
  });
});

describe('secondary suppression', () => {
  it('protects a single small cell of a 2×2 table with margins by withholding a rectangle', () => {
    // a b | a+b
    // c d | c+d
    // ---------
    // a+c b+d | total
    const values = [3, 50, 53, 40, 60, 100, 43, 110, 153];
    const lines: Line[] = [
      { parts: [0, 1], total: 2 },
      { parts: [3, 4], total: 5 },
      { parts: [0, 3], total: 6 },
      { parts: [1, 4], total: 7 },
      { parts: [2, 5], total: 8 },
      { parts: [6, 7], total: 8 },
    ];
    const plan = suppressTable(values, lines, 10);
    expect(plan[0]).toBe('primary');
    expect(recoverableEntries(plan, lines)).toEqual([]);
    // every line with a withheld entry has at least two
    for (const l of lines) {
      const n = [...l.parts, l.total].filter((i) => plan[i] !== null).length;
      expect(n === 0 || n >= 2).toBe(true);
    }
  });

  it('leaves nothing recoverable in generated releases (exact check), and publishes nothing from 1 to k − 1', async () => {
    const random = prng(22);
    for (let trial = 0; trial < 12; trial++) {
      const nServices = 1 + Math.floor(random() * 4);
      const stats = syntheticStats(random, nServices, ['2026-10', '2026-11']);
      const k = trial % 2 ? 10 : 5;
      const cells = await releaseTable(stats, { k });
      for (const c of cells) if (c.value !== null) expect(c.value === 0 || c.value >= k, `${c.service} ${c.month} ${c.measure} = ${c.value}`).toBe(true);
      for (const c of cells) if (c.trueValue !== null && c.trueValue > 0 && c.trueValue < k && COUNT_MEASURES.includes(c.measure)) expect(c.value).toBeNull();
      for (const month of stats.months) {
        const monthCells = cells.filter((c) => c.month === month);
        expect(exactlyRecoverable(monthCells, stats.services)).toEqual([]);
        // and the rule of thumb: every line with a withheld cell has two
        const get = (s: string | null, m: string) => monthCells.find((c) => c.service === s && c.measure === m)!;
        for (const m of COUNT_MEASURES) {
          const line = [...stats.services.map((s) => get(s, m)), get(null, m)];
          const n = line.filter((c) => c.value === null).length;
          expect(n === 0 || n >= 2).toBe(true);
        }
      }
    }
  });

  it('the exact check finds what primary suppression alone would give away', async () => {
    const stats = syntheticStats(prng(5), 3, ['2026-11']);
    stats.cells[0]!.counts['consents.granted'] = 4;
    stats.cells[1]!.counts['consents.granted'] = 40;
    stats.cells[2]!.counts['consents.granted'] = 50;
    const cells = await releaseTable(stats, { k: 10 });
    const onlyPrimary = cells.map((c) => ({ ...c, value: c.suppressed === 'primary' ? null : c.trueValue }));
    expect(exactlyRecoverable(onlyPrimary, stats.services).length).toBeGreaterThan(0);
    expect(exactlyRecoverable(cells, stats.services)).toEqual([]);
  });

  it('withholds the city total when one service is the whole city', async () => {
    const stats = syntheticStats(prng(7), 1, ['2026-11']);
    stats.cells[0]!.counts['consents.granted'] = 4;
    const cells = await releaseTable(stats, { k: 10 });
    const granted = cells.filter((c) => c.measure === 'consents.granted');
    expect(granted.map((c) => c.value)).toEqual([null, null]);
  });
});

describe('noise', () => {
  it('is the discrete Laplace distribution: mean ≈ 0, variance ≈ 2α/(1−α)²', () => {
    const random = prng(1);
    const eps = 1;
    const alpha = Math.exp(-eps / 4);
    const xs: number[] = [];
    for (let i = 0; i < 20000; i++) xs.push(discreteLaplace(Uint8Array.from({ length: 14 }, () => Math.floor(random() * 256)), eps, 4));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(xs.every(Number.isInteger)).toBe(true);
    expect(Math.abs(mean)).toBeLessThan(0.2);
    expect(variance / ((2 * alpha) / (1 - alpha) ** 2)).toBeGreaterThan(0.9);
    expect(variance / ((2 * alpha) / (1 - alpha) ** 2)).toBeLessThan(1.1);
  });

  it('is the same for the same seed and name, and differs with the seed', async () => {
    const a = await seededNoise(new Uint8Array(32).fill(1), 1, 4);
    const b = await seededNoise(new Uint8Array(32).fill(1), 1, 4);
    const c = await seededNoise(new Uint8Array(32).fill(2), 1, 4);
    const names = Array.from({ length: 50 }, (_, i) => `2026-11/s/${i}`);
    const na = await Promise.all(names.map((n) => a.noise(n)));
    expect(await Promise.all(names.map((n) => b.noise(n)))).toEqual(na);
    expect(await Promise.all(names.map((n) => c.noise(n)))).not.toEqual(na);
    expect(() => discreteLaplace(new Uint8Array(14), 0, 4)).toThrow(RangeError);
  });

  it('never publishes a noisy count below k, and leaves zeros and withheld cells alone', async () => {
    const stats = syntheticStats(prng(3), 3, ['2026-11']);
    const noise = await seededNoise(new Uint8Array(32).fill(9), 0.5, 4);
    const cells = await releaseTable(stats, { k: 10, noise });
    for (const c of cells) {
      if (c.value === null) continue;
      if (c.trueValue === 0) expect(c.value).toBe(0);
      else expect(c.value).toBeGreaterThanOrEqual(10);
    }
    expect(cells.some((c) => c.value !== null && c.trueValue !== null && c.value !== c.trueValue)).toBe(true);
  });
});
