/**
 * The app: the API and the portal side by side. Each face is a complete Hono app of its own
 * (its middleware, its error mapping); a request goes to the portal when `isPortalPath`
 * says it is a page, else to the API. Neither face imports the other: only this module
 * knows both.
 */
import { Hono } from 'hono';
import type { AppDeps } from '../core/deps.js';
import { createApi } from '../http/app.js';
import { isPortalPath } from '../portal/paths.js';
import { createPortal } from '../portal/portal.js';

/** The app as the entries and tests hold it: a fetch handler (`app.fetch`, `app.request`). */
export type App = Hono;

/** Builds the whole app from its dependencies (nothing is looked up). */
export function createApp(deps: AppDeps): App {
  return composeApp(createApi(deps), createPortal(deps));
}

/** Mounts the two faces side by side: portal paths to `portal`, everything else to `api`. */
export function composeApp(api: { fetch: Hono['fetch'] }, portal: { fetch: Hono['fetch'] }): App {
  const app = new Hono();
  app.all('*', (c) => (isPortalPath(c.req.path) ? portal : api).fetch(c.req.raw, c.env));
  return app;
}
