/**
 * Aggregates of the access log for officers (denied checks and per-service
 * volume): counts per service, purpose and UTC day, and denied checks per reason and service,
 * over the events a filter selects. One statement, so every count comes from one snapshot.
 */
import type { Sql } from './db.js';
import { type EventFilter, filterSql, subjectConsentIds } from './event-filter.js';

/** A count of events per service (null: events of no service, e.g. sign-ups or admin actions). */
export interface ServiceCount {
  serviceId: string | null;
  clientId: string | null;
  count: number;
}

/** The aggregates of one filter. */
export interface EventStats {
  total: number;
  byService: ServiceCount[];
  /** A check counts for its purpose; a transition or request once for each purpose it lists. */
  byPurpose: { purpose: string; count: number }[];
  /** UTC days (`YYYY-MM-DD`) with at least one event, oldest first. */
  byDay: { day: string; count: number }[];
  denied: { total: number; byReason: { reason: string; count: number }[]; byService: ServiceCount[] };
}

interface Row {
  dim: 'total' | 'service' | 'day' | 'purpose' | 'reason' | 'denied_service';
  k: string | null;
  client_id: string | null;
  n: bigint | number | string;
}

/** Counts the events `filter` selects, per service, purpose, day, and denied checks per reason and service. */
export async function eventStats(sql: Sql, filter: EventFilter): Promise<EventStats> {
  const params: unknown[] = [];
  const where = filterSql(filter, params, await subjectConsentIds(sql, filter));
  const rows = await sql.query<Row>(
    `with f as materialized (
       select e.created_at, e.service_id, e.data ->> 'purpose' as purpose, e.data -> 'purposes' as purposes,
              e.data ->> 'decision' as decision, e.data ->> 'reason' as reason
       from audit_events e
       where ${where}
     )
     select 'total' as dim, null::text as k, null::text as client_id, count(*) as n from f
     union all
     select 'service', f.service_id::text, min(s.client_id), count(*)
       from f left join services s on s.id = f.service_id group by f.service_id
     union all
     select 'day', to_char(f.created_at at time zone 'UTC', 'YYYY-MM-DD'), null, count(*)
       from f group by to_char(f.created_at at time zone 'UTC', 'YYYY-MM-DD')
     union all
     select 'purpose', p.purpose, null, count(*)
       from f cross join lateral (
         select f.purpose as purpose where f.purpose is not null
         union all
         select x.v from jsonb_array_elements_text(
           case when jsonb_typeof(f.purposes) = 'array' then f.purposes else '[]'::jsonb end) as x(v)
       ) p
       group by p.purpose
     union all
     select 'reason', coalesce(f.reason, ''), null, count(*) from f where f.decision = 'deny' group by coalesce(f.reason, '')
     union all
     select 'denied_service', f.service_id::text, min(s.client_id), count(*)
       from f left join services s on s.id = f.service_id where f.decision = 'deny' group by f.service_id`,
    params,
  );
  const stats: EventStats = { total: 0, byService: [], byPurpose: [], byDay: [], denied: { total: 0, byReason: [], byService: [] } };
  for (const r of rows) {
    const count = Number(r.n);
    switch (r.dim) {
      case 'total':
        stats.total = count;
        break;
      case 'service':
        stats.byService.push({ serviceId: r.k, clientId: r.client_id, count });
        break;
      case 'day':
        stats.byDay.push({ day: r.k!, count });
        break;
      case 'purpose':
        stats.byPurpose.push({ purpose: r.k!, count });
        break;
      case 'reason':
        stats.denied.byReason.push({ reason: r.k!, count });
        stats.denied.total += count;
        break;
      case 'denied_service':
        stats.denied.byService.push({ serviceId: r.k, clientId: r.client_id, count });
        break;
    }
  }
  // Largest first (ties by key), days in calendar order: the same answer on both engines.
  const byCount = <T>(key: (x: T) => string) => (a: T & { count: number }, b: T & { count: number }) =>
    b.count - a.count || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  stats.byService.sort(byCount((x: ServiceCount) => x.serviceId ?? ''));
  stats.denied.byService.sort(byCount((x: ServiceCount) => x.serviceId ?? ''));
  stats.byPurpose.sort(byCount((x: { purpose: string }) => x.purpose));
  stats.denied.byReason.sort(byCount((x: { reason: string }) => x.reason));
  stats.byDay.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return stats;
}
