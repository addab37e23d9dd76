import { Hono } from 'hono';
import type { AppDeps } from '../../http/deps.js';
import type { PortalEnv } from '../portal-env.js';
import { landingPage } from './landing.js';

/** The citizen's pages. */
export function citizenPages(_deps: AppDeps) {
  const r = new Hono<PortalEnv>();
  r.get('/', (c) => landingPage(c));
  return r;
}
