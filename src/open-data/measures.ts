/**
 * The measures an open-data release publishes, per service and month: what each counts, and
 * which sums hold between them (the lines that disclosure control must protect).
 */
import { denyReasons } from '../domain/check.js';

/** Consent transitions counted in the month they happened (`consent.<event>` audit events). */
export const CONSENT_FLOWS = ['granted', 'narrowed', 'paused', 'withdrawn', 'revoked', 'expired'] as const;
/** Request outcomes counted in the month they happened (`request.created` counts as `sent`). */
export const REQUEST_FLOWS = ['sent', 'approved', 'rejected', 'expired'] as const;

/** Every count measure, in publication order. */
export const COUNT_MEASURES: readonly string[] = [
  ...CONSENT_FLOWS.map((e) => `consents.${e}`),
  'consents.active_at_month_end',
  ...REQUEST_FLOWS.map((e) => `requests.${e}`),
  'checks.made',
  'checks.permitted',
  ...denyReasons.map((r) => `checks.denied.${r}`),
];

/** The median time from a request's creation to its approval, in whole minutes (not a count). */
export const MEDIAN_APPROVAL = 'requests.median_minutes_to_approve';

/** Every measure of a release, counts first. */
export const MEASURES: readonly string[] = [...COUNT_MEASURES, MEDIAN_APPROVAL];

/**
 * The additive hierarchy inside one service-month: checks made = permitted + Σ denied by
 * reason. A published total and all but one of its parts would give the last part away.
 */
export const CHECK_TOTAL = 'checks.made';
export const CHECK_PARTS: readonly string[] = ['checks.permitted', ...denyReasons.map((r) => `checks.denied.${r}`)];

/** Human-readable definitions (English), for the CSVW metadata and the JSON release. */
export function measureDescription(measure: string): string {
  const [group, what, extra] = measure.split('.');
  if (measure === 'consents.active_at_month_end') return 'Consents active at the end of the month (or at the release checkpoint, for its last month)';
  if (measure === MEDIAN_APPROVAL) return 'Median minutes from a consent request being sent to its approval, over requests approved in the month';
  if (group === 'consents') return `Consents ${what} in the month`;
  if (group === 'requests') return what === 'sent' ? 'Consent requests sent by the service in the month' : `Consent requests ${what} in the month`;
  if (measure === 'checks.made') return 'Checks the service made before using data, in the month';
  if (measure === 'checks.permitted') return 'Checks answered permit in the month';
  return `Checks denied in the month with reason ${extra}`;
}
