/**
 * A citizen's own view of the access log ("who used my data"): the audit events
 * about them (`citizen_id`), newest first, with what their leaves need and the service that
 * acted. The filters are the officer's (event-filter.ts), so both select alike.
 */
import type { Sql } from './db.js';
import { type EventFilter, filterSql } from './event-filter.js';
import { EVENT_LEAF_COLUMNS, EVENT_LEAF_FROM, type EventLeafDbRow, type EventLeafRow, toEventLeafRow } from './event-leaf-rows.js';

/** Filters a citizen may use on their access log. */
export type AccessLogFilter = Pick<EventFilter, 'serviceId' | 'purpose' | 'category' | 'decision' | 'types' | 'from' | 'to'>;

/** An event of the citizen's access log, with the service that it concerns. */
export interface AccessLogRow extends EventLeafRow {
  service: { id: string; clientId: string; name: Record<string, string> } | null;
}

/**
 * One page of the citizen's events, newest first (by id, a UUIDv7): `limit` rows with ids
 * below `before`. Only events whose `citizen_id` is theirs — never anyone else's.
 */
export async function listAccessLog(sql: Sql, citizenId: string, f: AccessLogFilter, page: { before?: string | undefined; limit: number }): Promise<AccessLogRow[]> {
  const params: unknown[] = [citizenId];
  const filters = filterSql(f, params);
  const before = page.before === undefined ? '' : ` and e.id < $${params.push(page.before)}::uuid`;
  const rows = await sql.query<EventLeafDbRow & { s_client_id: string | null; s_name: Record<string, string> | null }>(
    `select ${EVENT_LEAF_COLUMNS}, s.client_id as s_client_id, s.name as s_name
     from ${EVENT_LEAF_FROM} left join services s on s.id = e.service_id
     where e.citizen_id = $1::uuid and ${filters}${before}
     order by e.id desc limit $${params.push(page.limit)}`,
    params,
  );
  return rows.map((r) => ({
    ...toEventLeafRow(r),
    service: r.service_id && r.s_client_id ? { id: r.service_id, clientId: r.s_client_id, name: r.s_name ?? {} } : null,
  }));
}
