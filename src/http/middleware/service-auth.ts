/**
 * Service authentication on API routes: `Authorization: Bearer <access token>` (RFC 6750
 * §2.1) carrying one of our RFC 9068 access tokens. Verified claims are cached until the
 * token expires; the service's status is read on every request, so a suspended service's
 * tokens stop working at once.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { type AccessTokenClaims, verifyAccessToken } from '../../crypto/access-token.js';
import type { TokenKeySet } from '../../crypto/token-keys.js';
import { tokenKeySet } from '../../keys/token-key-set.js';
import { ForbiddenError, UnauthenticatedError } from '../../domain/errors.js';
import type { ServiceScope } from '../../domain/service-scopes.js';
import { isServiceActive } from '../../storage/service-status.js';
import type { AppDeps, ServicePrincipal } from '../../core/deps.js';
import type { AppEnv } from '../env.js';
import { TokenCache } from './token-cache.js';

export { activeServiceCondition, isServiceActive } from '../../storage/service-status.js';
export type { ServicePrincipal } from '../../core/deps.js';

/** Options of {@link serviceAuth}. */
export interface ServiceAuthOptions {
  /** The scope the route needs (RFC 6749 §3.3); a token without it gets 403 insufficient_scope. */
  scope: ServiceScope;
  /**
   * Whether the middleware reads the service's status (default true). Pass false only when
   * the route checks it in its own query with `activeServiceCondition` and calls
   * {@link rejectInactiveService} when it is false (the consent check does, to save a round trip).
   */
  checkStatus?: boolean;
}

/** How many verified tokens each app keeps in memory. */
const CACHE_CAPACITY = 10_000;
const REALM = 'permis';
// RFC 6750 §2.1: b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

interface AuthState {
  keys: TokenKeySet;
  cache: TokenCache<AccessTokenClaims>;
}
// One cache and key set per app (per deps object), shared by every route's middleware.
const states = new WeakMap<AppDeps, AuthState>();

function stateOf(deps: AppDeps): AuthState {
  let s = states.get(deps);
  if (!s) {
    s = { keys: tokenKeySet(deps.db, deps.clock), cache: new TokenCache(CACHE_CAPACITY) };
    states.set(deps, s);
  }
  return s;
}

/** RFC 6750 §3: the Bearer challenge, with an error code when credentials were sent. */
const challenge = (error?: 'invalid_token' | 'insufficient_scope', scope?: string): string =>
  `Bearer realm="${REALM}"${error ? `, error="${error}"` : ''}${scope ? `, scope="${scope}"` : ''}`;

/** Sets the RFC 6750 §3 challenge and returns the 401 problem to throw. */
function unauthenticated(c: Context, detail: string, withError = true): UnauthenticatedError {
  c.header('WWW-Authenticate', challenge(withError ? 'invalid_token' : undefined));
  return new UnauthenticatedError(detail);
}

/**
 * The verified claims of the access token in `authorization` (the raw header value), from
 * the cache when this exact token was verified before and has not expired. Does not look at
 * the service's status or scopes. Throws UnauthenticatedError (401) for a missing, malformed,
 * forged, expired or foreign token.
 */
export async function verifyServiceToken(deps: AppDeps, authorization: string | undefined): Promise<AccessTokenClaims> {
  if (authorization === undefined) throw new UnauthenticatedError('A service access token is required (Authorization: Bearer).');
  const m = BEARER.exec(authorization);
  if (!m) throw new UnauthenticatedError('The Authorization header must be "Bearer <access token>".');
  const token = m[1]!;
  const state = stateOf(deps);
  const now = deps.clock.now();
  const cached = state.cache.get(token, now.getTime());
  if (cached) return cached;
  const claims = await verifyAccessToken(token, { keys: state.keys, publicUrl: deps.config.publicUrl, now });
  state.cache.set(token, claims);
  return claims;
}

/**
 * For routes using `checkStatus: false`: throws the 401 `unauthenticated` problem (with the
 * RFC 6750 invalid_token challenge) that a suspended or removed service's token gets.
 */
export function rejectInactiveService(c: Context): never {
  throw unauthenticated(c, 'The service is suspended: its access tokens no longer work.');
}

/**
 * Middleware that admits only requests bearing a valid access token of an active service
 * with `opts.scope`, and sets `c.get('service')`. Otherwise: 401 `unauthenticated` with
 * `WWW-Authenticate: Bearer … error="invalid_token"` (RFC 6750 §3.1), or 403
 * `insufficient_scope` with the scope needed.
 */
export function serviceAuth(deps: AppDeps, opts: ServiceAuthOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    let claims: AccessTokenClaims;
    try {
      claims = await verifyServiceToken(deps, header);
    } catch (err) {
      // RFC 6750 §3.1: no error code when the request carried no credentials at all.
      if (err instanceof UnauthenticatedError) throw unauthenticated(c, err.message, header !== undefined);
      throw err;
    }
    if (opts.checkStatus !== false && !(await isServiceActive(deps.db, claims.serviceId))) rejectInactiveService(c);
    if (!claims.scopes.includes(opts.scope)) {
      c.header('WWW-Authenticate', challenge('insufficient_scope', opts.scope));
      throw new ForbiddenError(`This operation needs the scope ${opts.scope}.`, 'insufficient_scope', { requiredScope: opts.scope });
    }
    const principal: ServicePrincipal = { serviceId: claims.serviceId, clientId: claims.clientId, scopes: [...claims.scopes] };
    c.set('service', principal);
    await next();
  };
}

/** The OpenAPI `security` requirement of a route that needs `scope`. */
export const serviceSecurity = (scope: ServiceScope) => [{ serviceToken: [scope] }];
