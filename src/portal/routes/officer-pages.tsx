import { Hono } from 'hono';
import type { AppDeps } from '../../http/deps.js';
import type { PortalEnv } from '../portal-env.js';

/** The officer console's pages under /officer. */
export function officerPages(_deps: AppDeps) {
  return new Hono<PortalEnv>();
}
