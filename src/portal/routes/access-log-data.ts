/**
 * What the "who used my data" page reads beyond the API's page of entries: the checks per
 * day (permit and deny) for the chart, and the services that appear in the citizen's log
 * (for the filter). Both select with the API's own filters (event-filter.ts), always limited
 * to the citizen's own events.
 */
import type { AccessLogFilter } from '../../storage/access-log-repo.js';
import type { Sql } from '../../storage/db.js';
import { CHECK_EVENT_TYPE, filterSql } from '../../storage/event-filter.js';

/** Checks on one calendar day (in the reader's time zone). */
export interface DayCount {
  day: string;
  permit: number;
  deny: number;
}

/**
 * The citizen's checks per calendar day in `timeZone`, permit and deny apart, for the days
 * `days` (every one listed, zeros included), under the same filters as the page's list.
 */
export async function checksPerDay(sql: Sql, citizenId: string, f: AccessLogFilter, timeZone: string, days: readonly string[]): Promise<DayCount[]> {
  const params: unknown[] = [citizenId];
  const where = filterSql({ ...f, types: [CHECK_EVENT_TYPE] }, params);
  const tz = `$${params.push(timeZone)}`;
  const rows = await sql.query<{ day: string; decision: string | null; n: bigint | number | string }>(
    `select to_char(e.created_at at time zone ${tz}::text, 'YYYY-MM-DD') as day, e.data ->> 'decision' as decision, count(*) as n
     from audit_events e where e.citizen_id = $1::uuid and ${where}
     group by 1, 2`,
    params,
  );
  const byDay = new Map(days.map((d) => [d, { day: d, permit: 0, deny: 0 }]));
  for (const r of rows) {
    const d = byDay.get(r.day);
    if (!d) continue;
    if (r.decision === 'permit') d.permit += Number(r.n);
    else if (r.decision === 'deny') d.deny += Number(r.n);
  }
  return [...byDay.values()];
}

/** The services that appear in the citizen's own events, for the service filter. */
export async function servicesInLog(sql: Sql, citizenId: string): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    'select distinct e.service_id::text as id from audit_events e where e.citizen_id = $1::uuid and e.service_id is not null',
    [citizenId],
  );
  return rows.map((r) => r.id);
}
