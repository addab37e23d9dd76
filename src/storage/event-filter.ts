/**
 * The filters of the officer's view of the access log and their SQL. Shared by
 * the search, the export and the stats, so all three select exactly the same events.
 * Indexes: migrations/0008_officer_indexes.sql (which explains what is indexed and why).
 */
import type { AuditEvent } from './audit-repo.js';
import type { Sql } from './db.js';

/** Who may act, as `audit_events.actor_type` allows. */
export const auditActorTypes = ['citizen', 'service', 'admin', 'officer', 'system'] as const satisfies readonly AuditEvent['actorType'][];
export type AuditActorType = (typeof auditActorTypes)[number];

/** A check's answer. */
export const checkDecisions = ['permit', 'deny'] as const;
export type CheckDecisionValue = (typeof checkDecisions)[number];

/** The type of a check event: most of the table. */
export const CHECK_EVENT_TYPE = 'consent.checked';

/** Which events to select; every given filter must hold. */
export interface EventFilter {
  serviceId?: string | undefined;
  /** A check for this purpose, or a transition or request listing it. */
  purpose?: string | undefined;
  /** A check, transition or request listing this data category. */
  category?: string | undefined;
  /** Checks with this answer. */
  decision?: CheckDecisionValue | undefined;
  /** `data.reason`: a denied check's reason, or the reason given for a transition. */
  reason?: string | undefined;
  /** Any of these event types. */
  types?: readonly string[] | undefined;
  /** Checks and requests naming this subjectRef, and every event of the consents given under it. */
  subjectRef?: string | undefined;
  actorType?: AuditActorType | undefined;
  actorId?: string | undefined;
  consentId?: string | undefined;
  /** Inclusive lower bound on the event time (RFC 3339). */
  from?: string | undefined;
  /** Exclusive upper bound on the event time (RFC 3339). */
  to?: string | undefined;
}

// Values from closed sets are written into the SQL as literals, so that a partial index's
// predicate (0008) is matched by the query itself, whatever plan the server caches.
const actorLiteral: Record<AuditActorType, string> = {
  citizen: "'citizen'",
  service: "'service'",
  admin: "'admin'",
  officer: "'officer'",
  system: "'system'",
};
const decisionLiteral: Record<CheckDecisionValue, string> = { permit: "'permit'", deny: "'deny'" };

/**
 * The ids of the consents given under `f.subjectRef` (of `f.serviceId`, when given), whose
 * transition events carry the consent id but not the subjectRef. Empty without a subjectRef.
 */
export async function subjectConsentIds(sql: Sql, f: EventFilter): Promise<string[]> {
  if (f.subjectRef === undefined) return [];
  const rows = await sql.query<{ id: string }>(
    `select id::text as id from consents where subject_ref = $1${f.serviceId !== undefined ? ' and service_id = $2::uuid' : ''}`,
    f.serviceId !== undefined ? [f.subjectRef, f.serviceId] : [f.subjectRef],
  );
  return rows.map((r) => r.id);
}

/**
 * The SQL conditions (over `audit_events e`) for `f`, appending their values to `params`
 * (`$n` numbering continues from what `params` holds); `consentIds` are the subject's
 * consents from `subjectConsentIds`. Returns `true` when there is no condition.
 */
export function filterSql(f: EventFilter, params: unknown[], consentIds: readonly string[] = []): string {
  const conds: string[] = [];
  const p = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.serviceId !== undefined) conds.push(`e.service_id = ${p(f.serviceId)}::uuid`);
  if (f.types !== undefined && f.types.length > 0) {
    conds.push(f.types.length === 1 ? `e.type = ${p(f.types[0])}::text` : `e.type = any(${p(f.types)}::text[])`);
    // Implied by the types asked for; lets the planner use the partial type index.
    if (!f.types.includes(CHECK_EVENT_TYPE)) conds.push(`e.type <> '${CHECK_EVENT_TYPE}'`);
  }
  if (f.actorType !== undefined) {
    conds.push(`e.actor_type = ${actorLiteral[f.actorType]}`);
    if (f.actorType !== 'service') conds.push(`e.actor_type <> 'service'`);
  }
  if (f.actorId !== undefined) conds.push(`e.actor_id = ${p(f.actorId)}::text`);
  if (f.consentId !== undefined) conds.push(`e.consent_id = ${p(f.consentId)}::uuid`);
  if (f.subjectRef !== undefined) {
    const bySubject = `(e.data ->> 'subjectRef') = ${p(f.subjectRef)}::text`;
    // Two indexable arms (subject index, consent index) that the planner can OR as bitmaps;
    // with no consent, a single ordered scan of the subject index.
    conds.push(consentIds.length ? `(${bySubject} or e.consent_id = any(${p(consentIds)}::uuid[]))` : bySubject);
  }
  if (f.purpose !== undefined) {
    const v = p(f.purpose);
    conds.push(`((e.data ->> 'purpose') = ${v}::text or (e.data -> 'purposes') @> jsonb_build_array(${v}::text))`);
  }
  if (f.category !== undefined) conds.push(`(e.data -> 'dataCategories') @> jsonb_build_array(${p(f.category)}::text)`);
  if (f.decision !== undefined) conds.push(`(e.data ->> 'decision') = ${decisionLiteral[f.decision]}`);
  if (f.reason !== undefined) conds.push(`(e.data ->> 'reason') = ${p(f.reason)}::text`);
  if (f.from !== undefined) conds.push(`e.created_at >= ${p(f.from)}::timestamptz`);
  if (f.to !== undefined) conds.push(`e.created_at < ${p(f.to)}::timestamptz`);
  return conds.length ? conds.join(' and ') : 'true';
}
