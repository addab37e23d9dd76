import type { AppDeps } from '../core/deps.js';
import { ValidationError } from '../domain/errors.js';
import type { EventFilter } from '../storage/event-filter.js';
import { type EventStats, eventStats } from '../storage/event-stats.js';
import { auditedFilters } from './event-export.js';
import { auditOfficerQuery, type OfficerActor } from './officer-actor.js';

const DAY_MS = 86_400_000;

/** The range the stats cover when none is given: this many days up to now. */
export const DEFAULT_STATS_DAYS = 30;
/** The longest range the stats cover. */
export const MAX_STATS_DAYS = 366;

/**
 * The counts of the events `filter` selects over `from`–`to` (default: the last
 * DEFAULT_STATS_DAYS days up to now; at most MAX_STATS_DAYS days), read from the replica when
 * there is one. A range that runs backwards or is too long is a ValidationError on `from`.
 * Audited as `officer.stats_viewed` (the filters with the range) before it returns.
 */
export async function viewEventStats(
  deps: AppDeps,
  officer: OfficerActor,
  filter: EventFilter,
): Promise<{ from: string; to: string; stats: EventStats }> {
  const to = filter.to ?? deps.clock.now().toISOString();
  const from = filter.from ?? new Date(Date.parse(to) - DEFAULT_STATS_DAYS * DAY_MS).toISOString();
  const span = Date.parse(to) - Date.parse(from);
  if (span < 0 || span > MAX_STATS_DAYS * DAY_MS) {
    const message = span < 0 ? 'must not be after to (default: now)' : `the range may span at most ${MAX_STATS_DAYS} days (to defaults to now)`;
    throw new ValidationError(`from: ${message}`, [{ field: 'from', message }]);
  }
  const ranged = { ...filter, from, to };
  const stats = await eventStats(deps.readDb ?? deps.db, ranged);
  await auditOfficerQuery(deps, officer, 'officer.stats_viewed', { filters: auditedFilters(ranged) });
  return { from, to, stats };
}
