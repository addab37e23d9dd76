import { Hono } from 'hono';
import type { AppDeps } from '../../http/deps.js';
import type { PortalEnv } from '../portal-env.js';

/** The administration pages under /admin. */
export function adminPages(_deps: AppDeps) {
  return new Hono<PortalEnv>();
}
