import { Hono } from 'hono';
import { portalScript, portalStyles } from '../assets/generated.js';
import type { PortalEnv } from '../portal-env.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The portal's two assets under content-hashed names, so they are cached for a year and a
 * new build is a new URL (RFC 8246 `immutable`). Any other name is a 404.
 */
export function assetRoutes() {
  const r = new Hono<PortalEnv>();
  r.get(`/assets/${portalScript.file}`, (c) => c.body(portalScript.body, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': IMMUTABLE }));
  r.get(`/assets/${portalStyles.file}`, (c) => c.body(portalStyles.body, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': IMMUTABLE }));
  return r;
}
