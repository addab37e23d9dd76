import { Hono } from 'hono';
import type { AppDeps } from '../../core/deps.js';
import { requireViewer, requireViewerRole } from '../middleware/guards.js';
import type { PortalEnv } from '../portal-env.js';
import { officerEventsPage, officerExport } from './officer-events.js';
import { officerLogPage } from './officer-log.js';
import { officerStatsPage } from './officer-stats.js';

/**
 * The officer console under /officer, officer role only: access-log search
 * with CSV/NDJSON export, statistics, and the log-integrity panel. Every query of the access
 * log is audited exactly as the API audits it.
 */
export function officerPages(deps: AppDeps) {
  const r = new Hono<PortalEnv>();
  for (const path of ['/officer', '/officer/*']) r.use(path, requireViewer(), requireViewerRole('officer'));
  const events = officerEventsPage(deps);
  r.get('/officer', events);
  r.get('/officer/events', events);
  r.get('/officer/export', officerExport(deps));
  r.get('/officer/stats', officerStatsPage(deps));
  r.get('/officer/log', officerLogPage(deps));
  return r;
}
