/**
 * Statistical disclosure control by cell suppression, as pure functions. A release is a set of
 * published counts ("entries") and the sums that hold between them ("lines": the parts of a
 * line add up to its total). Primary suppression withholds every count from 1 to k − 1;
 * secondary suppression withholds more counts until no suppressed count can be computed
 * exactly from the published ones and the lines — checked with exact linear algebra, not only
 * by the rule of thumb "every line has zero or at least two suppressed entries".
 */

/** One line: `sum(parts) = total` (entry indices). */
export interface Line {
  parts: readonly number[];
  total: number;
}

/** Why an entry is withheld: below k, or to protect another. */
export type Suppression = 'primary' | 'secondary';

/** The outcome: per entry, null (published) or why it is withheld. */
export type SuppressionPlan = (Suppression | null)[];

/** Entries with `0 < value < k` (a published zero says that nobody did something). */
export function primarySuppression(values: readonly number[], k: number): SuppressionPlan {
  if (!Number.isInteger(k) || k < 1) throw new RangeError('k must be a positive integer');
  return values.map((v) => (v > 0 && v < k ? 'primary' : null));
}

/** Every line as a list of signed entries (parts +1, total −1), summing to zero. */
function equations(lines: readonly Line[]): { index: number; sign: 1 | -1 }[][] {
  return lines.map((l) => [...l.parts.map((index) => ({ index, sign: 1 as const })), { index: l.total, sign: -1 as const }]);
}

/**
 * The suppressed entries whose value follows exactly from the published entries and the lines:
 * reduce the lines, restricted to the suppressed entries (the published ones are known), to
 * reduced row echelon form; an unknown is determined iff it is a pivot whose row has no other
 * unknown. Gaussian elimination over the reals with partial pivoting and a tolerance: the
 * coefficients are 0/±1 and the systems small (one month of one release), so it is exact enough.
 */
export function recoverableEntries(plan: SuppressionPlan, lines: readonly Line[]): number[] {
  const unknown = new Map<number, number>();
  plan.forEach((s, i) => {
    if (s !== null) unknown.set(i, unknown.size);
  });
  if (unknown.size === 0) return [];
  const rows: number[][] = [];
  for (const eq of equations(lines)) {
    const row = new Array<number>(unknown.size).fill(0);
    let any = false;
    for (const { index, sign } of eq) {
      const u = unknown.get(index);
      if (u !== undefined) {
        row[u]! += sign;
        any = true;
      }
    }
    if (any) rows.push(row);
  }
  const n = unknown.size;
  const pivotRowOf = new Map<number, number>();
  let r = 0;
  for (let col = 0; col < n && r < rows.length; col++) {
    let best = -1;
    for (let i = r; i < rows.length; i++) if (Math.abs(rows[i]![col]!) > 1e-9 && (best < 0 || Math.abs(rows[i]![col]!) > Math.abs(rows[best]![col]!))) best = i;
    if (best < 0) continue;
    [rows[r], rows[best]] = [rows[best]!, rows[r]!];
    const pivot = rows[r]!;
    const p = pivot[col]!;
    for (let j = 0; j < n; j++) pivot[j]! /= p;
    for (let i = 0; i < rows.length; i++) {
      if (i === r) continue;
      const f = rows[i]![col]!;
      if (Math.abs(f) < 1e-12) continue;
      const row = rows[i]!;
      for (let j = 0; j < n; j++) row[j]! -= f * pivot[j]!;
    }
    pivotRowOf.set(col, r);
    r++;
  }
  const determined: number[] = [];
  for (const [entry, col] of unknown) {
    const pr = pivotRowOf.get(col);
    if (pr === undefined) continue;
    const row = rows[pr]!;
    if (row.every((v, j) => j === col || Math.abs(v) < 1e-9)) determined.push(entry);
  }
  return determined.sort((a, b) => a - b);
}

/** Options for {@link secondarySuppression}. */
export interface SecondaryOptions {
  /** Entries to avoid withholding when another will do (e.g. totals); tried last. */
  preferKeep?: (index: number) => boolean;
}

/**
 * Adds secondary suppressions to `primary` until no suppressed entry can be recovered from the
 * published entries through the lines. Greedy, the classic heuristic: while a line has exactly
 * one suppressed entry, withhold its smallest other entry (non-totals and non-zero values
 * first); then, while the exact check finds a recoverable entry, withhold the smallest published
 * entry sharing a line with it. Deterministic: ties go to the lower index.
 */
export function secondarySuppression(values: readonly number[], lines: readonly Line[], primary: SuppressionPlan, opts: SecondaryOptions = {}): SuppressionPlan {
  const plan = [...primary];
  const keep = opts.preferKeep ?? (() => false);
  const members = lines.map((l) => [...l.parts, l.total]);
  const linesOf = new Map<number, number[]>();
  members.forEach((m, li) => m.forEach((i) => linesOf.set(i, [...(linesOf.get(i) ?? []), li])));
  // Smaller is a better candidate: prefer entries not kept by preference, non-zero, small.
  const cost = (i: number) => [keep(i) ? 1 : 0, values[i] === 0 ? 1 : 0, values[i]!, i] as const;
  const better = (a: number, b: number) => {
    const ca = cost(a);
    const cb = cost(b);
    for (let j = 0; j < ca.length; j++) if (ca[j] !== cb[j]) return ca[j]! < cb[j]!;
    return false;
  };
  const pick = (candidates: Iterable<number>) => {
    let best = -1;
    for (const i of candidates) if (plan[i] === null && (best < 0 || better(i, best))) best = i;
    return best;
  };
  for (let guard = 0; guard <= values.length; guard++) {
    let changed = true;
    while (changed) {
      changed = false;
      for (const m of members) {
        if (m.filter((i) => plan[i] !== null).length !== 1) continue;
        const i = pick(m);
        if (i >= 0) {
          plan[i] = 'secondary';
          changed = true;
        }
      }
    }
    const exposed = recoverableEntries(plan, lines);
    if (exposed.length === 0) return plan;
    const near = new Set<number>();
    for (const li of linesOf.get(exposed[0]!) ?? []) for (const i of members[li]!) near.add(i);
    let i = pick(near);
    if (i < 0) i = pick(values.keys());
    if (i < 0) return plan; // everything withheld: nothing is published, nothing recoverable
    plan[i] = 'secondary';
  }
  return plan;
}

/** Primary then secondary suppression of `values` under `lines` with threshold `k`. */
export function suppressTable(values: readonly number[], lines: readonly Line[], k: number, opts: SecondaryOptions = {}): SuppressionPlan {
  return secondarySuppression(values, lines, primarySuppression(values, k), opts);
}
