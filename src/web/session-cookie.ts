/**
 * The citizen session cookie. `__Host-` prefix (RFC 6265bis §4.1.3.2): Secure, Path=/, no
 * Domain, so no sibling host can set or read it; HttpOnly keeps it from scripts;
 * SameSite=Lax keeps it off cross-site subresource and POST requests.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

/** Name of the session cookie. */
export const SESSION_COOKIE = '__Host-permis_session';

/** Sets the session cookie to `token`, living `maxAgeSeconds`. */
export function setSessionCookie(c: Context, token: string, maxAgeSeconds: number): void {
  setCookie(c, SESSION_COOKIE, token, { path: '/', secure: true, httpOnly: true, sameSite: 'Lax', maxAge: maxAgeSeconds });
}

/** Clears the session cookie in the browser. */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true, httpOnly: true, sameSite: 'Lax' });
}

/** The session token the request carries in the cookie, if any. */
export function sessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}
