/**
 * Helpers for the portal's pages through `app.request()`: a GET as a browser would send it
 * (session cookie, language), and a form POST with the session's CSRF token and our Origin.
 */
import { SESSION_COOKIE } from '../../src/web/session-cookie.js';
import { csrfTokenFor } from '../../src/portal/csrf.js';
import type { TestContext } from './harness.js';

/** Options of a page request. */
export interface PageOptions {
  /** Session token of the signed-in citizen; none means signed out. */
  token?: string;
  /** `Accept-Language` header. */
  lang?: string;
  /** Extra headers (override the defaults). */
  headers?: Record<string, string>;
}

const originOf = (t: TestContext) => new URL(t.deps.config.publicUrl).origin;

/** The `Cookie` header value carrying a session token. */
export const sessionCookieHeader = (token: string): string => `${SESSION_COOKIE}=${token}`;

/** GETs a page; returns the response and its body text. */
export async function getPage(t: TestContext, path: string, opts: PageOptions = {}): Promise<{ res: Response; html: string }> {
  const headers: Record<string, string> = { accept: 'text/html', ...(opts.lang ? { 'accept-language': opts.lang } : {}) };
  if (opts.token) headers.cookie = sessionCookieHeader(opts.token);
  const res = await t.app.request(path, { headers: { ...headers, ...opts.headers } });
  return { res, html: await res.text() };
}

/**
 * POSTs a form as the portal's own page would: form-encoded fields, the session's `_csrf`
 * token (unless `csrf` is given, or `false` to leave it out), our Origin and
 * `Sec-Fetch-Site: same-origin` (override with `headers`).
 */
export async function postForm(
  t: TestContext,
  path: string,
  fields: Record<string, string | string[]>,
  opts: PageOptions & { csrf?: string | false } = {},
): Promise<{ res: Response; html: string }> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  if (opts.csrf !== false) body.set('_csrf', opts.csrf ?? (opts.token ? await csrfTokenFor(opts.token) : ''));
  const headers: Record<string, string> = {
    accept: 'text/html',
    'content-type': 'application/x-www-form-urlencoded',
    origin: originOf(t),
    'sec-fetch-site': 'same-origin',
    ...(opts.lang ? { 'accept-language': opts.lang } : {}),
  };
  if (opts.token) headers.cookie = sessionCookieHeader(opts.token);
  const res = await t.app.request(path, { method: 'POST', headers: { ...headers, ...opts.headers }, body: body.toString() });
  return { res, html: await res.text() };
}
