import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { PermisError } from '../domain/errors.js';
import type { AppDeps } from '../http/deps.js';
import { DbError } from '../storage/db.js';
import { CsrfError, SignInRequired } from './errors.js';
import { negotiateLocale } from './i18n/locale.js';
import { type MessageKey, portalTranslator } from './messages/index.js';
import type { PortalEnv } from './portal-env.js';
import { ErrorPage } from './views/error-page.js';
import { type Page, pageOf } from './views/page.js';

const SHOWN: Record<string, MessageKey> = {
  not_found: 'error.not_found',
  forbidden: 'error.forbidden',
  unauthenticated: 'error.unauthenticated',
  validation_failed: 'error.validation_failed',
  illegal_transition: 'error.illegal_transition',
  request_not_pending: 'error.request_not_pending',
  request_expired: 'error.request_expired',
  service_unavailable: 'error.service_unavailable',
  service_suspended: 'error.service_suspended',
  rate_limited: 'error.rate_limited',
  notice_changed: 'error.notice_changed',
  renewal_not_allowed: 'error.renewal_not_allowed',
  link_invalid: 'error.link_invalid',
};

/** The page context, even when the error struck before portalContext had set it. */
function safePage(c: Context<PortalEnv>): Page {
  if (c.get('t')) return pageOf(c);
  const locale = negotiateLocale(c.req.header('accept-language'));
  const url = new URL(c.req.url);
  return { locale, t: portalTranslator(locale), viewer: undefined, path: `${url.pathname}${url.search}`, timeZone: 'Europe/Madrid' };
}

/**
 * The portal's one error handler: a page that needs a session redirects to sign in; known
 * errors become a page in the reader's language with a way forward; anything else is logged
 * and shown as an opaque "something went wrong" — never a stack trace or a problem document.
 */
export function portalErrorHandler(deps: AppDeps): ErrorHandler<PortalEnv> {
  return async (err, c) => {
    if (err instanceof SignInRequired) return c.redirect(`/signin?next=${encodeURIComponent(err.next)}`, 303);
    const p = safePage(c);
    c.header('Cache-Control', 'no-store');
    c.header('Content-Language', p.locale);
    let status = 500;
    let message: MessageKey = 'error.generic';
    if (err instanceof CsrfError) {
      status = 403;
      message = 'error.csrf';
    } else if (err instanceof PermisError) {
      status = err.status;
      message = SHOWN[err.code] ?? (err.status < 500 ? 'error.validation_failed' : 'error.generic');
    } else if (err instanceof HTTPException && err.status < 500) {
      status = err.status;
      message = 'error.validation_failed';
    } else if (err instanceof DbError && err.isConnection) {
      status = 503;
      message = 'error.service_unavailable';
      c.header('Retry-After', '5');
    } else {
      deps.log?.('error', 'unhandled portal error', {
        requestId: c.get('requestId'),
        name: err instanceof Error ? err.name : typeof err,
        message: err instanceof Error ? err.message : String(err),
        stack: err instanceof Error ? err.stack : undefined,
      });
    }
    const retry = c.req.method === 'GET' ? undefined : c.req.header('referer') && safeReferer(c.req.header('referer')!, c.req.url);
    return c.html(await (<ErrorPage p={p} message={message} retryHref={retry} />), status as 400);
  };
}

/** The referring page's path when it is on this origin (to go back and repeat an action). */
function safeReferer(referer: string, url: string): string | undefined {
  try {
    const r = new URL(referer);
    return r.origin === new URL(url).origin ? `${r.pathname}${r.search}` : undefined;
  } catch {
    return undefined;
  }
}
