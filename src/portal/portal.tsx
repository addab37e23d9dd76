import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import type { AppDeps } from '../core/deps.js';
import { portalErrorHandler } from './error-handler.js';
import { portalCsrf } from './middleware/guards.js';
import { portalContext } from './middleware/portal-context.js';
import { isPortalPath } from './paths.js';
import type { PortalEnv } from './portal-env.js';
import { adminPages } from './routes/admin-pages.js';
import { assetRoutes } from './routes/assets.js';
import { authPages } from './routes/auth-pages.js';
import { citizenPages } from './routes/citizen-pages.js';
import { officerPages } from './routes/officer-pages.js';
import { ErrorPage } from './views/error-page.js';
import { pageOf } from './views/page.js';

/** Runs `mw` on portal pages only (mounted at `/`, the portal's middleware sees every path). */
const onPages =
  (mw: MiddlewareHandler<PortalEnv>): MiddlewareHandler<PortalEnv> =>
  (c, next) =>
    isPortalPath(c.req.path) && !c.req.path.startsWith('/assets/') ? mw(c, next) : next();

/**
 * The citizen portal, officer console and admin pages (issue 6): server-rendered HTML in
 * ca/es/en, forms protected against CSRF, passkeys through the one bundled script. Mount at
 * `/`; API paths pass through untouched.
 */
export function portalRoutes(deps: AppDeps) {
  const r = new Hono<PortalEnv>();
  r.onError(portalErrorHandler(deps));
  r.use('*', onPages(portalContext(deps)));
  r.use('*', onPages(portalCsrf(deps)));
  r.route('/', assetRoutes());
  r.route('/', authPages(deps));
  r.route('/', citizenPages(deps));
  r.route('/', officerPages(deps));
  r.route('/', adminPages(deps));
  return r;
}

/** The portal's 404 page, for paths that are neither a page nor part of the API. */
export async function portalNotFound(c: Context<PortalEnv>): Promise<Response> {
  if (!c.get('t')) return c.text('Not found', 404);
  c.header('Cache-Control', 'no-store');
  return c.html(await (<ErrorPage p={pageOf(c)} message="error.not_found" />), 404);
}
