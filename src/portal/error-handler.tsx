import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { isProblemCode, PermisError, type ProblemCode } from '../domain/errors.js';
import type { AppDeps } from '../core/deps.js';
import { errorPageShape } from './error-pages.js';
import { SignInRequired } from './errors.js';
import { negotiateLocale } from './i18n/locale.js';
import { type MessageKey, portalTranslator } from './messages/index.js';
import type { PortalEnv } from './portal-env.js';
import { ErrorPage } from './views/error-page.js';
import { type Page, pageOf } from './views/page.js';

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
    if (err instanceof PermisError && isProblemCode(err.code)) {
      ({ status, message } = errorPageShape(err as PermisError<ProblemCode>));
    } else if (err instanceof HTTPException && err.status < 500) {
      status = err.status;
      message = 'error.validation_failed';
    } else if (err instanceof PermisError && err.code === 'database_unavailable') {
      status = 503;
      message = 'error.service_unavailable';
      c.header('Retry-After', '5');
    } else {
      deps.log?.('error', 'unhandled portal error', {
        requestId: c.get('requestId'),
        name: err instanceof Error ? err.name : typeof err,
        ...(err instanceof PermisError ? { code: err.code } : {}),
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
