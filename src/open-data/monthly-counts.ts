/**
 * Statistics per service and month from the audit events of the log (never per person): a
 * pure function of the events, so a release recomputed from the same leaves is the same.
 */
import { denyReasons } from '../domain/check.js';
import { CONSENT_FLOWS, COUNT_MEASURES } from './measures.js';

/** What the statistics read of one audit event (nothing personal). */
export interface StatsEvent {
  type: string;
  /** The service's client id; events of no service are ignored. */
  service: string | null;
  consentId: string | null;
  /** UTC creation time, ISO 8601. */
  at: string;
  /** `data.status` of a consent transition. */
  status?: string | null;
  /** `data.decision` / `data.reason` of a check. */
  decision?: string | null;
  reason?: string | null;
  /** `data.consentRequestId` of a request event. */
  consentRequestId?: string | null;
  /** How many like events this one stands for (checks come counted per month); default 1. */
  count?: number;
}

/** Counts per measure of one service in one month; `median` in minutes or null. */
export interface ServiceMonth {
  service: string;
  month: string;
  counts: Record<string, number>;
  median: number | null;
  /** How many approvals the median is over. */
  approvals: number;
}

/** The raw statistics: every service seen, every month from the first to the last event, all cells. */
export interface MonthlyStatistics {
  services: string[];
  months: string[];
  cells: ServiceMonth[];
  /** The time of the latest event counted (the release's "through"), or null when none. */
  through: string | null;
}

const FLOWS = new Set<string>(CONSENT_FLOWS);
const REASONS = new Set<string>(denyReasons);

/** `YYYY-MM` of an ISO time (UTC). */
export const monthOf = (iso: string): string => iso.slice(0, 7);

/** Every month from `first` to `last` inclusive (`YYYY-MM`). */
export function monthRange(first: string, last: string): string[] {
  const out: string[] = [];
  let [y, m] = first.split('-').map(Number) as [number, number];
  for (;;) {
    const s = `${y}-${String(m).padStart(2, '0')}`;
    out.push(s);
    if (s >= last) return out;
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
}

/** The median of a non-empty sorted list (mean of the middle two for even lengths). */
function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Aggregates `events` (in log order) into per-service, per-month counts: consent transitions,
 * consents active at each month end (by the status of each consent's latest transition), request
 * outcomes, checks by decision and deny reason, and the median minutes from request to approval.
 */
export function monthlyCounts(events: Iterable<StatsEvent>): MonthlyStatistics {
  const cells = new Map<string, ServiceMonth>();
  const services = new Set<string>();
  let first: string | null = null;
  let last: string | null = null;
  let through: string | null = null;
  // The status of every consent after its latest transition so far, and when that changed.
  const status = new Map<string, { service: string; status: string; month: string }>();
  const statusChanges: { service: string; consentId: string; month: string; status: string }[] = [];
  const requestSent = new Map<string, number>();
  const approvals = new Map<string, number[]>();
  const cell = (service: string, month: string): ServiceMonth => {
    const key = `${service}\u0000${month}`;
    let c = cells.get(key);
    if (!c) cells.set(key, (c = { service, month, counts: Object.fromEntries(COUNT_MEASURES.map((m) => [m, 0])), median: null, approvals: 0 }));
    return c;
  };
  for (const e of events) {
    if (e.service === null) continue;
    const [group, what] = e.type.split('.', 2) as [string, string | undefined];
    if (group !== 'consent' && group !== 'request') continue;
    const month = monthOf(e.at);
    const n = e.count ?? 1;
    const counted = (measure: string) => {
      cell(e.service!, month).counts[measure]! += n;
    };
    let used = true;
    if (group === 'consent' && what === 'checked') {
      counted('checks.made');
      if (e.decision === 'permit') counted('checks.permitted');
      else if (e.decision === 'deny' && e.reason && REASONS.has(e.reason)) counted(`checks.denied.${e.reason}`);
      else counted('checks.denied.no_consent'); // never happens: every deny names a reason
    } else if (group === 'consent' && what && e.consentId) {
      if (FLOWS.has(what)) counted(`consents.${what}`);
      if (e.status) statusChanges.push({ service: e.service, consentId: e.consentId, month, status: e.status });
    } else if (group === 'request' && what === 'created') {
      counted('requests.sent');
      if (e.consentRequestId) requestSent.set(e.consentRequestId, Date.parse(e.at));
    } else if (group === 'request' && (what === 'approved' || what === 'rejected' || what === 'expired')) {
      counted(`requests.${what}`);
      const sent = e.consentRequestId ? requestSent.get(e.consentRequestId) : undefined;
      if (what === 'approved' && sent !== undefined) {
        const key = `${e.service}\u0000${month}`;
        const list = approvals.get(key) ?? [];
        list.push(Math.max(0, Date.parse(e.at) - sent) / 60_000);
        approvals.set(key, list);
      }
    } else used = false;
    if (!used) continue;
    services.add(e.service);
    if (first === null || month < first) first = month;
    if (last === null || month > last) last = month;
    if (through === null || e.at > through) through = e.at;
  }
  const months = first && last ? monthRange(first, last) : [];
  const serviceList = [...services].sort();
  // Active at month end: replay the transitions month by month.
  let next = 0;
  statusChanges.sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0)); // stable: log order within a month
  for (const month of months) {
    for (; next < statusChanges.length && statusChanges[next]!.month <= month; next++) {
      const s = statusChanges[next]!;
      status.set(s.consentId, { service: s.service, status: s.status, month: s.month });
    }
    const active = new Map<string, number>();
    for (const s of status.values()) if (s.status === 'active') active.set(s.service, (active.get(s.service) ?? 0) + 1);
    for (const service of serviceList) cell(service, month).counts['consents.active_at_month_end'] = active.get(service) ?? 0;
  }
  for (const [key, list] of approvals) {
    const [service, month] = key.split('\u0000') as [string, string];
    const c = cell(service, month);
    c.median = Math.round(median(list.sort((a, b) => a - b)));
    c.approvals = list.length;
  }
  const out: ServiceMonth[] = [];
  for (const service of serviceList) for (const month of months) out.push(cell(service, month));
  return { services: serviceList, months, cells: out, through };
}
