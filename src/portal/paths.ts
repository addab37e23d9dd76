/** Paths that belong to the API and its documents; every other path is a portal page. */
const API_PREFIXES = ['/v1/', '/.well-known/', '/docs/'];
const API_PATHS = new Set(['/v1', '/healthz', '/readyz', '/openapi.json', '/docs', '/metrics']);

/** True when `path` is a portal page or asset (HTML for people), false for the API. */
export function isPortalPath(path: string): boolean {
  return !API_PATHS.has(path) && !API_PREFIXES.some((p) => path.startsWith(p));
}

/** `value` when it is a same-origin path (no scheme, host or `//`), else `fallback`. */
export function safeNext(value: string | undefined, fallback = '/'): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  return value;
}

/**
 * Pages behind the links in e-mails (confirm an address, unsubscribe): their POSTs are
 * authorised by the signed token in the path, not by a session, and may come from a mail
 * client or server (RFC 8058 §3.2), so the session CSRF checks do not apply to them.
 */
export const EMAIL_LINK_PREFIXES: readonly string[] = ['/email/confirm/', '/email/unsubscribe/'];

/** True for a path behind an e-mail link. */
export const isEmailLinkPath = (path: string): boolean => EMAIL_LINK_PREFIXES.some((p) => path.startsWith(p));
