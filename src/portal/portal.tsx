import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { AppDeps } from '../core/deps.js';
import { PermisError } from '../domain/errors.js';
import { bodyLimit } from '../web/body-limit.js';
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
import { openDataPages } from './routes/open-data-pages.js';
import { ErrorPage } from './views/error-page.js';
import { pageOf } from './views/page.js';

/** Runs `mw` on portal pages only (not on the static assets). */
const onPages =
  (mw: MiddlewareHandler<PortalEnv>): MiddlewareHandler<PortalEnv> =>
  (c, next) =>
    isPortalPath(c.req.path) && !c.req.path.startsWith('/assets/') ? mw(c, next) : next();

/**
 * The citizen portal, officer console and admin pages: server-rendered HTML in ca/es/en,
 * forms protected against CSRF, passkeys through the one bundled script. The composition
 * root (`src/entry/app.ts`) sends it every path `isPortalPath` accepts; the API gets the rest.
 */
export function createPortal(deps: AppDeps): Hono<PortalEnv> {
  const r = new Hono<PortalEnv>();
  r.onError(portalErrorHandler(deps));
  r.use('*', requestId({ headerName: 'X-Request-Id' }));
  r.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  r.use(
    '*',
    methodNotAllowed({
      app: r,
      onMethodNotAllowed: async (c, methods) => {
        c.header('Allow', methods.join(', '));
        return portalNotFound(c as Context<PortalEnv>, 405);
      },
    }),
  );
  r.use(
    '*',
    // Our own stylesheet and script only, nothing inline, no framing, forms post only to us
    // (CSP Level 3 §6.1.3, §6.3.2.5 form-action, §6.4.2 frame-ancestors).
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      strictTransportSecurity: 'max-age=63072000; includeSubDomains',
      crossOriginResourcePolicy: 'same-origin',
      referrerPolicy: 'same-origin',
      xFrameOptions: 'DENY',
    }),
  );
  r.use(
    '*',
    bodyLimit({
      maxSize: deps.config.bodyLimitBytes,
      onError: () => {
        throw new PermisError('payload_too_large', `Bodies are limited to ${deps.config.bodyLimitBytes} bytes.`);
      },
    }),
  );
  r.use('*', onPages(portalContext(deps)));
  r.use('*', onPages(portalCsrf(deps)));
  r.route('/', assetRoutes());
  r.route('/', authPages(deps));
  r.route('/', citizenPages(deps));
  r.route('/', officerPages(deps));
  r.route('/', openDataPages(deps));
  r.route('/', adminPages(deps));
  r.notFound((c) => portalNotFound(c));
  return r;
}

/** The portal's 404 page (or `status`), for paths that are not a page. */
export async function portalNotFound(c: Context<PortalEnv>, status: 404 | 405 = 404): Promise<Response> {
  if (!c.get('t')) return c.text('Not found', status);
  c.header('Cache-Control', 'no-store');
  return c.html(await (<ErrorPage p={pageOf(c)} message="error.not_found" />), status);
}
