import type { MiddlewareHandler } from 'hono';
import { hashSessionToken, SESSION_TOKEN_PATTERN } from '../../crypto/session-tokens.js';
import { UnauthenticatedError } from '../../domain/errors.js';
import { findLiveSession } from '../../storage/sessions.js';
import type { AppDeps } from '../../core/deps.js';
import type { AppEnv } from '../env.js';
import { sessionCookie } from '../../web/session-cookie.js';

/**
 * The session token of a request: `Authorization: Bearer <token>` (RFC 6750 §2.1) when that
 * header is present, else the `__Host-permis_session` cookie. An Authorization header of
 * another scheme is refused rather than ignored.
 */
export function requestSessionToken(header: string | undefined, cookie: string | undefined): string | undefined {
  if (header !== undefined) {
    const m = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header);
    if (!m) throw new UnauthenticatedError('The Authorization header must be "Bearer <session token>".');
    return m[1];
  }
  return cookie;
}

/**
 * Middleware that admits only requests with a live citizen session (not expired at
 * `deps.clock.now()`, not revoked, citizen not erased) and sets `c.get('citizen')`;
 * otherwise throws UnauthenticatedError (401).
 */
export function citizenAuth(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = requestSessionToken(c.req.header('authorization'), sessionCookie(c));
    if (token === undefined) throw new UnauthenticatedError();
    // Tokens we issue have one shape; anything else cannot match and needs no lookup.
    if (!SESSION_TOKEN_PATTERN.test(token)) throw new UnauthenticatedError('The session is invalid, expired or revoked.');
    const found = await findLiveSession(deps.db, await hashSessionToken(token), deps.clock.now());
    if (!found) throw new UnauthenticatedError('The session is invalid, expired or revoked.');
    c.set('citizen', found);
    await next();
  };
}
