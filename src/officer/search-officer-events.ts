import type { AppDeps } from '../core/deps.js';
import type { EventFilter } from '../storage/event-filter.js';
import { type EventOrder, type OfficerEventRow, searchEvents } from '../storage/event-search.js';
import { decodeEventCursor, encodeEventCursor } from './event-cursor.js';
import { auditedFilters } from './event-export.js';
import { auditOfficerQuery, type OfficerActor } from './officer-actor.js';

/** One page of an officer's search: the filters, the time order, the page size and where to continue. */
export interface OfficerSearch {
  filter: EventFilter;
  order: EventOrder;
  limit: number;
  /** A `nextCursor` of an earlier page with the same filters and order. */
  cursor?: string | undefined;
}

/**
 * One page of the events `q.filter` selects, in `q.order`, read from the replica when there is
 * one, and `nextCursor` for the next page (null on the last). A cursor not made for this order
 * is a ValidationError on `cursor`. Audited as `officer.searched` (filters, order, limit,
 * cursor, how many returned) before it returns.
 */
export async function searchOfficerEvents(
  deps: AppDeps,
  officer: OfficerActor,
  q: OfficerSearch,
): Promise<{ items: OfficerEventRow[]; nextCursor: string | null }> {
  const after = decodeEventCursor(q.cursor, q.order);
  const rows = await searchEvents(deps.readDb ?? deps.db, q.filter, { order: q.order, after, limit: q.limit + 1 });
  const items = rows.slice(0, q.limit);
  const last = items[items.length - 1];
  await auditOfficerQuery(deps, officer, 'officer.searched', {
    filters: auditedFilters(q.filter),
    order: q.order,
    limit: q.limit,
    ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
    returned: items.length,
  });
  return { items, nextCursor: rows.length > q.limit && last ? encodeEventCursor(q.order, last.position) : null };
}
