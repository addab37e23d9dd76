import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { EventFilter } from '../../storage/event-filter.js';
import { namingFields } from '../admin-context.js';
import { newRouter } from '../router.js';
import { json } from '../json-content.js';
import type { AppDeps } from '../../core/deps.js';
import type { AppEnv } from '../env.js';
import { EXPORT_PAGE_SIZE } from '../../officer/event-export.js';
import { exportOfficerEvents } from '../../officer/export-officer-events.js';
import type { OfficerActor } from '../../officer/officer-actor.js';
import { searchOfficerEvents } from '../../officer/search-officer-events.js';
import { viewEventStats } from '../../officer/view-event-stats.js';
import { citizenAuth } from '../middleware/citizen-auth.js';
import { requireRole } from '../middleware/require-role.js';
import { problemResponses } from '../problem.js';
import { DEFAULT_STATS_DAYS, MAX_STATS_DAYS, OfficerEventQuery, OfficerExportQuery, OfficerStatsQuery } from '../../web/officer-query.js';
import { OfficerEventPage, OfficerStats } from '../schemas/officer.js';
import { officerEventView } from '../../officer/officer-event-view.js';

/** The filters of a validated query, only those given (`type` as the list `types`). */
function filterOf(q: z.infer<typeof OfficerStatsQuery>): EventFilter {
  const { type, ...rest } = q;
  const f: EventFilter = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  if (type !== undefined) f.types = [...new Set(type)];
  return f;
}


const officerOf = (c: Context<AppEnv>): OfficerActor => ({ officerId: c.get('citizen').citizenId, requestId: c.get('requestId') });


/**
 * The officer's view of the access log, officer role only: search with filters
 * and stable cursor pages in either time order, aggregates, and a streaming CSV/NDJSON export.
 * Every call is itself an audit event (`officer.searched`, `officer.stats_viewed`,
 * `officer.exported`), committed before the answer leaves.
 */
export function officerRoutes(deps: AppDeps) {
  const r = newRouter();
  const common = { tags: ['officer'], security: [{ session: [] }], middleware: [citizenAuth(deps), requireRole(deps, 'officer')] };

  r.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/officer/events',
      summary: 'Search the access log',
      description:
        'Every audit event of every role — checks, consent transitions, requests, admin actions, officers’ own queries — ' +
        'filtered, in time order (`desc` by default), cursor-paginated: keep the filters and the order and pass `nextCursor` ' +
        'to continue; pages never repeat or skip an event. All filters must hold. The search is itself an audit event ' +
        '(`officer.searched`).',
      request: { query: OfficerEventQuery },
      responses: { 200: { description: 'A page of events', content: json(OfficerEventPage) }, ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const { order, limit, cursor, ...filters } = c.req.valid('query');
      const page = await searchOfficerEvents(deps, officerOf(c), { filter: filterOf(filters), order, limit, cursor });
      c.header('Cache-Control', 'no-store');
      return c.json({ items: page.items.map(officerEventView), nextCursor: page.nextCursor }, 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/officer/stats',
      summary: 'Counts per service, purpose and day, and denied checks',
      description:
        `Aggregates of the events the filters select over \`from\`–\`to\` (default: the last ${DEFAULT_STATS_DAYS} days up to now; ` +
        `at most ${MAX_STATS_DAYS} days): per service, per purpose, per UTC day, and denied checks per reason and per service. ` +
        'The call is itself an audit event (`officer.stats_viewed`).',
      request: { query: OfficerStatsQuery },
      responses: { 200: { description: 'The counts', content: json(OfficerStats) }, ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const { from, to, stats } = await namingFields('query', () => viewEventStats(deps, officerOf(c), filterOf(c.req.valid('query'))));
      c.header('Cache-Control', 'no-store');
      return c.json({ from, to, ...stats }, 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/officer/events/export',
      summary: 'Export the access log as CSV or NDJSON',
      description:
        'Every event the filters select, streamed as a download in time order (`desc` by default), read from the database ' +
        `${EXPORT_PAGE_SIZE} events at a time, so an export of any size streams in constant memory. Without \`to\`, or with a ` +
        '`to` in the future, the export ends at the moment it was asked for. CSV follows RFC 4180 (header row, CRLF, quoted ' +
        'fields); a cell that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) is prefixed ' +
        'with `\'`. NDJSON has one event per line, as the search shows it. The export is itself an audit event ' +
        '(`officer.exported`), committed before the first byte is sent.',
      request: { query: OfficerExportQuery },
      responses: {
        200: {
          description: 'The events, as an attachment',
          headers: z.object({ 'Content-Disposition': z.string().openapi({ example: 'attachment; filename="permis-events-20270630T101500Z.csv"' }) }),
          content: {
            'text/csv': { schema: z.string().openapi({ description: 'RFC 4180 CSV with a header row.' }) },
            'application/x-ndjson': { schema: z.string().openapi({ description: 'One JSON event (as in the search) per line.' }) },
          },
        },
        ...problemResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const { format, order, ...filters } = c.req.valid('query');
      const started = await exportOfficerEvents(deps, officerOf(c), { filter: filterOf(filters), format, order });
      return c.body(started.body, 200, {
        'Content-Type': started.format.contentType,
        'Content-Disposition': `attachment; filename="${started.fileName}"`,
        'Cache-Control': 'no-store',
      });
    },
  );

  return r;
}
