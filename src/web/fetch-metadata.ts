/**
 * Cross-site request refusal shared by the API and the portal (OWASP CSRF cheat sheet,
 * "Fetch Metadata" and "Verifying origin with standard headers"): a state-changing request
 * that a browser sent from another site, or from a sibling host of ours, is refused before
 * any handler runs. SameSite=Lax on the session cookie already keeps other sites' POSTs
 * cookie-less in current browsers; this check also covers sibling subdomains (which count as
 * "same-site") and browsers without SameSite.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { PermisError } from '../domain/errors.js';

/**
 * True when the request's fetch metadata and origin allow a state change: neither
 * `cross-site` nor `same-site` (a sibling host) in `Sec-Fetch-Site` (Fetch Metadata §2.1), and
 * an `Origin`, when sent, equal to `publicOrigin` (RFC 6454 §7; `Origin: null` is never ours).
 * Requests without either header (non-browser clients, old browsers on same-origin GET-born
 * forms) pass: they carry no evidence of another site.
 */
export function sameOriginRequest(headers: { origin?: string | undefined; secFetchSite?: string | undefined }, publicOrigin: string): boolean {
  const site = headers.secFetchSite?.toLowerCase();
  if (site === 'cross-site' || site === 'same-site') return false;
  if (headers.origin !== undefined) return headers.origin === publicOrigin;
  return true;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Options for {@link fetchMetadataGuard}. */
export interface FetchMetadataGuardOptions {
  /** Our origin, e.g. `https://permis.barcelona.cat` (scheme, host, port; no path). */
  publicOrigin: string;
  /**
   * Which state-changing requests are checked; default: all of them. The API checks only
   * requests a browser could send with ambient credentials (see `src/http/app.ts`).
   */
  applies?: (c: Context) => boolean;
  /** The error thrown on refusal; default a `cross_site_request` PermisError (403). */
  refuse?: () => Error;
}

/**
 * Middleware factory: refuses (throws) a state-changing request (any method but GET, HEAD
 * and OPTIONS) for which `applies` holds and whose fetch metadata or Origin shows another
 * site ({@link sameOriginRequest}).
 */
export function fetchMetadataGuard(opts: FetchMetadataGuardOptions): MiddlewareHandler {
  const applies = opts.applies ?? (() => true);
  const refuse =
    opts.refuse ?? (() => new PermisError('cross_site_request', 'This request came from another site; it is refused with the session cookie.'));
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method) && applies(c)) {
      const ok = sameOriginRequest({ origin: c.req.header('origin'), secFetchSite: c.req.header('sec-fetch-site') }, opts.publicOrigin);
      if (!ok) throw refuse();
    }
    await next();
  };
}
