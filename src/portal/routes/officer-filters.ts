/**
 * The officer console's filter form (service, purpose, category, decision,
 * reason, event type, subjectRef, actor, consent, time range) read from a query string and
 * validated with the very schemas of `/v1/officer/…`, so the console selects exactly what the
 * API would, and audits the query the same way.
 */
import type { z } from 'zod';
import type { OfficerEventQuery, OfficerExportQuery, OfficerStatsQuery } from '../../web/officer-query.js';
import type { EventFilter } from '../../storage/event-filter.js';
import type { MessageKey } from '../messages/index.js';
import type { FieldErrors } from '../views/admin-fields.js';
import type { Page } from '../views/page.js';
import { localToInstant } from '../views/zoned-time.js';

/** The filter inputs, in form order. */
export const FILTER_FIELDS = ['serviceId', 'purpose', 'category', 'decision', 'reason', 'type', 'subjectRef', 'actorType', 'actorId', 'consentId', 'from', 'to'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

/** What the officer typed or chose, as the form holds it (times in the page's time zone). */
export type FilterForm = Partial<Record<FilterField | 'order' | 'limit' | 'cursor', string>>;

const FORM_KEYS = [...FILTER_FIELDS, 'order', 'limit', 'cursor'] as const;

/** The form values of a query string: trimmed, blanks left out, unknown parameters ignored. */
export function readFilterForm(query: Record<string, string | undefined>): FilterForm {
  const form: FilterForm = {};
  for (const k of FORM_KEYS) {
    const v = query[k]?.trim();
    if (v) form[k] = v;
  }
  return form;
}

/** The query string of `form` (with `extra` first), for links that keep the filters. */
export function formQuery(form: FilterForm, extra: Record<string, string> = {}, omit: readonly string[] = []): string {
  const q = new URLSearchParams(extra);
  for (const k of FORM_KEYS) if (form[k] !== undefined && !omit.includes(k) && !(k in extra)) q.set(k, form[k]!);
  const s = q.toString();
  return s ? `?${s}` : '';
}

const ERROR_KEYS: Record<string, MessageKey> = {
  serviceId: 'officer.err.serviceId',
  purpose: 'officer.err.code',
  category: 'officer.err.code',
  decision: 'officer.err.choice',
  reason: 'officer.err.text',
  type: 'officer.err.type',
  subjectRef: 'officer.err.subjectRef',
  actorType: 'officer.err.choice',
  actorId: 'officer.err.text',
  consentId: 'officer.err.uuid',
  from: 'officer.err.from',
  to: 'officer.err.time',
  order: 'officer.err.choice',
  limit: 'officer.err.choice',
  cursor: 'officer.err.cursor',
};

type Schema = typeof OfficerEventQuery | typeof OfficerStatsQuery | typeof OfficerExportQuery;

/**
 * Validates `form` (plus `extra`, e.g. the export format) with `schema`. Times are read in the
 * page's time zone. Returns the parsed query, or the fields in error with messages in the
 * page's language.
 */
export function parseFilterForm<S extends Schema>(
  p: Page,
  schema: S,
  form: FilterForm,
  keep: readonly (keyof FilterForm)[],
  extra: Record<string, string> = {},
): { ok: true; query: z.infer<S> } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const raw: Record<string, string> = { ...extra };
  for (const k of keep) {
    const v = form[k];
    if (v === undefined) continue;
    if (k === 'from' || k === 'to') {
      const instant = localToInstant(v, p.timeZone);
      if (instant === undefined) errors[k] = p.t('officer.err.time');
      else raw[k] = instant;
    } else if (k === 'type') {
      raw[k] = v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
        .join(',');
    } else raw[k] = v;
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    for (const issue of r.error.issues) {
      const field = String(issue.path[0] ?? 'from');
      errors[field] ??= p.t(ERROR_KEYS[field] ?? 'officer.err.text');
    }
  }
  if (Object.keys(errors).length > 0 || !r.success) return { ok: false, errors };
  return { ok: true, query: r.data as z.infer<S> };
}

/** The filters of a validated query, only those given (`type` as the list `types`), as the API builds them. */
export function filterOf(q: Partial<Record<FilterField, unknown>>): EventFilter {
  const f: EventFilter = {};
  for (const k of FILTER_FIELDS) {
    if (k === 'type' || q[k] === undefined) continue;
    (f as Record<string, unknown>)[k] = q[k];
  }
  if (Array.isArray(q.type)) f.types = [...new Set(q.type as string[])];
  return f;
}

export { auditedFilters } from '../../officer/event-export.js';
