import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { hashSessionToken, SESSION_TOKEN_PATTERN } from '../../crypto/session-tokens.js';
import type { AppDeps } from '../../core/deps.js';
import { sessionCookie } from '../../web/session-cookie.js';
import { findCitizen } from '../../storage/citizens.js';
import { listCitizenRoles } from '../../storage/roles-repo.js';
import { findLiveSession } from '../../storage/sessions.js';
import { countUnread } from '../../storage/notifications-repo.js';
import { csrfTokenFor } from '../csrf.js';
import { asLocale, negotiateLocale } from '../i18n/locale.js';
import { portalTranslator } from '../messages/index.js';
import type { PortalEnv, Viewer } from '../portal-env.js';

/** The cookie remembering the chosen language (a preference, not a secret). */
export const LANG_COOKIE = 'permis_lang';

/**
 * Middleware for every portal page: picks the language (`?lang=` — remembered in a cookie
 * and dropped from the address with a 303 — then the cookie, then `Accept-Language`,
 * Catalan last), and loads the signed-in viewer from the session cookie, if live. Pages are
 * personal: never stored by shared caches, varying by language and cookie.
 */
export function portalContext(deps: AppDeps): MiddlewareHandler<PortalEnv> {
  return async (c, next) => {
    const asked = c.req.query('lang');
    if (asked !== undefined && c.req.method === 'GET') {
      const chosen = asLocale(asked);
      const url = new URL(c.req.url);
      url.searchParams.delete('lang');
      if (chosen) setCookie(c, LANG_COOKIE, chosen, { path: '/', sameSite: 'Lax', maxAge: 365 * 24 * 3600 });
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    const locale = asLocale(getCookie(c, LANG_COOKIE)) ?? negotiateLocale(c.req.header('accept-language'));
    c.set('locale', locale);
    c.set('t', portalTranslator(locale));
    c.set('viewer', await loadViewer(deps, sessionCookie(c)));
    await next();
    c.header('Content-Language', locale);
    c.header('Vary', 'Accept-Language, Cookie');
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  };
}

/** The viewer behind a session token: live session, citizen not erased, roles read now. */
async function loadViewer(deps: AppDeps, token: string | undefined): Promise<Viewer | undefined> {
  if (!token || !SESSION_TOKEN_PATTERN.test(token)) return undefined;
  const session = await findLiveSession(deps.db, await hashSessionToken(token), deps.clock.now());
  if (!session) return undefined;
  const citizen = await findCitizen(deps.db, session.citizenId);
  if (!citizen || citizen.erasedAt) return undefined;
  const roles = (await listCitizenRoles(deps.db, session.citizenId)).map((g) => g.role);
  const unread = await countUnread(deps.db, session.citizenId);
  return { ...session, displayName: citizen.displayName, roles, csrf: await csrfTokenFor(token), unread };
}
