/**
 * The published table of a release: the monthly statistics with disclosure control applied —
 * per month, every service's counts and the city-wide totals, counts from 1 to k − 1 withheld
 * (primary), more withheld so that no withheld count follows from the published ones and the
 * sums between them (secondary), and optionally discrete Laplace noise with a stated ε.
 */
import { CHECK_PARTS, CHECK_TOTAL, COUNT_MEASURES, MEDIAN_APPROVAL } from './measures.js';
import type { NoiseSource } from './laplace-noise.js';
import type { MonthlyStatistics } from './monthly-counts.js';
import { type Line, type Suppression, suppressTable } from './suppress-table.js';

/** One published cell; `service` null is the city-wide total; `value` null is withheld. */
export interface ReleaseCell {
  service: string | null;
  month: string;
  measure: string;
  value: number | null;
}

/** What officers see before publishing: the true value and why a cell is withheld. */
export interface PreviewCell extends ReleaseCell {
  trueValue: number | null;
  suppressed: Suppression | null;
}

/** Disclosure-control settings of a release. */
export interface DisclosureSettings {
  /** Threshold: no published count from 1 to k − 1. */
  k: number;
  /** Noise to add to published non-zero counts, if any. */
  noise?: NoiseSource | undefined;
}

/**
 * How many published counts one event can change: its service's cell and the city total of
 * the same measure, and for a check also both `checks.made` counts — 4 at most.
 */
export const RELEASE_SENSITIVITY = 4;

/**
 * Applies disclosure control to `stats`, month by month (no sum spans two months, so each month
 * is protected on its own). Returns the preview cells in publication order: by month, services
 * in order then the city total, measures in order.
 */
export async function releaseTable(stats: MonthlyStatistics, settings: DisclosureSettings): Promise<PreviewCell[]> {
  const out: PreviewCell[] = [];
  const byKey = new Map(stats.cells.map((c) => [`${c.service}\u0000${c.month}`, c]));
  const rows: (string | null)[] = [...stats.services, null];
  for (const month of stats.months) {
    const values: number[] = [];
    const index = new Map<string, number>();
    const names: { service: string | null; measure: string }[] = [];
    for (const service of rows) {
      for (const measure of COUNT_MEASURES) {
        const v =
          service === null
            ? stats.services.reduce((sum, s) => sum + (byKey.get(`${s}\u0000${month}`)?.counts[measure] ?? 0), 0)
            : (byKey.get(`${service}\u0000${month}`)?.counts[measure] ?? 0);
        index.set(`${service ?? ''}\u0000${measure}`, values.length);
        names.push({ service, measure });
        values.push(v);
      }
    }
    const at = (service: string | null, measure: string) => index.get(`${service ?? ''}\u0000${measure}`)!;
    const lines: Line[] = [];
    // City total of each measure = Σ services.
    for (const measure of COUNT_MEASURES) lines.push({ parts: stats.services.map((s) => at(s, measure)), total: at(null, measure) });
    // checks.made = permitted + Σ denied by reason, for every service and the city.
    for (const service of rows) lines.push({ parts: CHECK_PARTS.map((m) => at(service, m)), total: at(service, CHECK_TOTAL) });
    const totals = new Set<number>(lines.map((l) => l.total));
    const plan = suppressTable(values, lines, settings.k, { preferKeep: (i) => totals.has(i) });
    for (let i = 0; i < values.length; i++) {
      const { service, measure } = names[i]!;
      const trueValue = values[i]!;
      let value: number | null = plan[i] === null ? trueValue : null;
      if (value !== null && value > 0 && settings.noise) {
        // Post-processing keeps the threshold: a noisy count is never published below k.
        value = Math.max(settings.k, value + (await settings.noise.noise(`${month}/${service ?? '*'}/${measure}`)));
      }
      out.push({ service, month, measure, value, trueValue, suppressed: plan[i] ?? null });
    }
    // The median minutes to approve: only over at least k approvals of a published count.
    for (const service of stats.services) {
      const c = byKey.get(`${service}\u0000${month}`);
      const approved = out.find((x) => x.month === month && x.service === service && x.measure === 'requests.approved');
      const ok = c && c.median !== null && c.approvals >= settings.k && approved?.value !== null;
      out.push({ service, month, measure: MEDIAN_APPROVAL, value: ok ? c.median : null, trueValue: c?.median ?? null, suppressed: ok || !c || c.median === null ? null : 'primary' });
    }
  }
  return out;
}

/** The public cells of a preview: withheld cells have a null value, and nothing says why. */
export function publicCells(preview: readonly PreviewCell[]): ReleaseCell[] {
  return preview.map(({ service, month, measure, value }) => ({ service, month, measure, value }));
}
