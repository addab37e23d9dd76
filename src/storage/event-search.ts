/**
 * Pages of audit events for officers: filtered, in time order either way, by
 * keyset pagination over (created_at, id) — a page continues strictly after the last row of
 * the previous one, so paging is stable while events keep arriving and costs the same on
 * page 1 and page 10,000.
 */
import type { AuditActorType, EventFilter } from './event-filter.js';
import { filterSql, subjectConsentIds } from './event-filter.js';
import type { Sql } from './db.js';

/** Newest first (`desc`) or oldest first (`asc`). */
export type EventOrder = 'asc' | 'desc';

/** Where a page stops: the exact time (UTC, microseconds) and id of its last event. */
export interface EventPosition {
  /** `YYYY-MM-DDTHH:MM:SS.ffffffZ`, as stored (finer than a JS Date). */
  createdAt: string;
  id: string;
}

/** One audit event as officers see it. */
export interface OfficerEventRow {
  id: string;
  type: string;
  actorType: AuditActorType;
  actorId: string | null;
  citizenId: string | null;
  serviceId: string | null;
  /** The service's client id, when the event names a service. */
  serviceClientId: string | null;
  consentId: string | null;
  /** The HTTP request id of the call that caused the event. */
  requestId: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
  /** The event's leaf in the transparency log (decimal), null until integrated. */
  leafIndex: string | null;
  /** Personal fields were redacted by an erasure (GDPR Art. 17); the leaf still verifies. */
  redacted: boolean;
  position: EventPosition;
}

interface Row {
  id: string;
  type: string;
  actor_type: AuditActorType;
  actor_id: string | null;
  citizen_id: string | null;
  service_id: string | null;
  service_client_id: string | null;
  consent_id: string | null;
  request_id: string | null;
  data: Record<string, unknown> | string;
  created_at: Date;
  leaf_index: string | null;
  redacted: boolean;
  position_at: string;
}

/** What one page asks for. */
export interface EventPageQuery {
  order: EventOrder;
  /** Continue after this event (in `order`). */
  after?: EventPosition | undefined;
  limit: number;
}

/**
 * At most `page.limit` events matching `filter`, in `page.order` by (created_at, id), after
 * `page.after`. One indexed range scan per page (see migrations/0008_officer_indexes.sql).
 */
export async function searchEvents(sql: Sql, filter: EventFilter, page: EventPageQuery): Promise<OfficerEventRow[]> {
  const params: unknown[] = [];
  let where = filterSql(filter, params, await subjectConsentIds(sql, filter));
  const dir = page.order === 'asc' ? 'asc' : 'desc';
  if (page.after) {
    params.push(page.after.createdAt, page.after.id);
    const cmp = dir === 'asc' ? '>' : '<';
    where += ` and (e.created_at, e.id) ${cmp} ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
  }
  params.push(page.limit);
  const rows = await sql.query<Row>(
    `select e.id, e.type, e.actor_type, e.actor_id, e.citizen_id, e.service_id, s.client_id as service_client_id,
            e.consent_id, e.request_id, e.data, e.created_at, l.leaf_index::text as leaf_index, e.redacted_at is not null as redacted,
            to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as position_at
     from audit_events e
     left join services s on s.id = e.service_id
     left join log_leaves l on l.seq = e.seq
     where ${where}
     order by e.created_at ${dir}, e.id ${dir}
     limit $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    actorType: r.actor_type,
    actorId: r.actor_id,
    citizenId: r.citizen_id,
    serviceId: r.service_id,
    serviceClientId: r.service_client_id,
    consentId: r.consent_id,
    requestId: r.request_id,
    data: typeof r.data === 'string' ? (JSON.parse(r.data) as Record<string, unknown>) : r.data,
    createdAt: r.created_at,
    leafIndex: r.leaf_index,
    redacted: r.redacted,
    position: { createdAt: r.position_at, id: r.id },
  }));
}
