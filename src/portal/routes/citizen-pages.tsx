import { Hono } from 'hono';
import type { AppDeps } from '../../core/deps.js';
import type { PortalEnv } from '../portal-env.js';
import { accessLogPages } from './access-log-pages.js';
import { accountPages } from './account-pages.js';
import { citizenHome } from './citizen-home.js';
import { enrolPages } from './citizen-enrol.js';
import { consentActions } from './consent-actions.js';
import { consentPages } from './consent-pages.js';
import { requestPages } from './request-pages.js';
import { emailLinkPages } from './email-link-pages.js';
import { notificationPages } from './notification-pages.js';
import { notificationSettingsPages } from './notification-settings-pages.js';
import { renewalPages } from './renewal-pages.js';

/**
 * The citizen's pages: home (or the landing page when signed out), the request page behind
 * `approvalUrl`, consents and their actions, "who used my data", the account, enrolment.
 * Each sub-router guards its own paths (never `*`: routers are mounted at `/`).
 */
export function citizenPages(deps: AppDeps) {
  const r = new Hono<PortalEnv>();
  r.get('/', (c) => citizenHome(c, deps));
  r.route('/', requestPages(deps));
  r.route('/', consentPages(deps));
  r.route('/', consentActions(deps));
  r.route('/', renewalPages(deps));
  r.route('/', notificationSettingsPages(deps));
  r.route('/', notificationPages(deps));
  r.route('/', emailLinkPages(deps));
  r.route('/', accessLogPages(deps));
  r.route('/', accountPages(deps));
  r.route('/', enrolPages(deps));
  return r;
}
