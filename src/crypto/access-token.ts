/**
 * Service access tokens: JWTs as RFC 9068 profiles them, signed with the key ring's `token`
 * key (EdDSA), short-lived and scoped. Issuing and verifying live together so
 * the two sides cannot drift apart. jose errors never escape this module.
 */
import { errors as joseErrors, type JWTPayload, jwtVerify, type ProtectedHeaderParameters } from 'jose';
import { UnauthenticatedError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import type { Clock, Random } from '../domain/runtime.js';
import { type ServiceScope, scopesOfClaim } from '../domain/service-scopes.js';
import type { KeyRing } from './key-ring.js';
import { signJwt } from './sign-jwt.js';
import type { TokenKeySet } from './token-keys.js';

/** RFC 9068 §2.1: the media type of access tokens, used as the JWS `typ`. */
export const ACCESS_TOKEN_TYP = 'at+jwt';
/** Default lifetime of an access token ("a few minutes"). */
export const ACCESS_TOKEN_TTL_SECONDS = 300;
/** Leeway on our own tokens' `exp`: none, so a token is valid exactly as long as `expires_in` said (and as the cache keeps it). */
const CLOCK_SKEW_SECONDS = 0;
/** Longest token the verifier will look at. */
export const MAX_ACCESS_TOKEN_LENGTH = 4096;

/** The `iss` of our tokens (RFC 9068 §2.2): the public URL. */
export const tokenIssuer = (publicUrl: string): string => publicUrl;
/** The `aud` of our tokens (RFC 9068 §2.2, RFC 8707): the API, `<publicUrl>/v1`. */
export const tokenAudience = (publicUrl: string): string => `${publicUrl}/v1`;

/** What an access token says about its bearer, once verified. */
export interface AccessTokenClaims {
  /** `sub`: the service's id. */
  serviceId: string;
  /** `client_id` (RFC 9068 §2.2). */
  clientId: string;
  /** `scope` (RFC 9068 §2.2.3), restricted to service scopes. */
  scopes: ServiceScope[];
  /** `exp`, seconds since the epoch. */
  exp: number;
  jti: string;
}

/** What issuing needs: the key ring, time, randomness and the public URL. */
export interface IssueDeps {
  keys: KeyRing;
  clock: Clock;
  random: Random;
  publicUrl: string;
}

/**
 * Signs an RFC 9068 access token for a service: header `{ alg: EdDSA, typ: at+jwt, kid }`,
 * claims `iss`, `aud`, `sub` (service id), `client_id`, `iat`, `exp` (now + ttl), `jti` and
 * `scope`. Returns the JWT and its expiry.
 */
export async function issueAccessToken(
  deps: IssueDeps,
  input: { serviceId: string; clientId: string; scopes: readonly ServiceScope[]; ttlSeconds?: number },
): Promise<{ token: string; expiresIn: number; exp: number; jti: string }> {
  const expiresIn = input.ttlSeconds ?? ACCESS_TOKEN_TTL_SECONDS;
  const iat = Math.floor(deps.clock.now().getTime() / 1000);
  const jti = uuidv7(deps.clock, deps.random);
  const claims: JWTPayload = {
    iss: tokenIssuer(deps.publicUrl),
    aud: tokenAudience(deps.publicUrl),
    sub: input.serviceId,
    client_id: input.clientId,
    iat,
    exp: iat + expiresIn,
    jti,
    scope: input.scopes.join(' '),
  };
  const { jws } = await signJwt(deps.keys, 'token', { typ: ACCESS_TOKEN_TYP, claims });
  return { token: jws, expiresIn, exp: iat + expiresIn, jti };
}

/**
 * Verifies an access token as RFC 9068 §4 asks: `typ` at+jwt, `alg` EdDSA only, signed by a
 * token key of ours named by `kid`, our `iss` and `aud`, not expired, and carrying `sub`,
 * `client_id`, `jti` and `scope`. Throws UnauthenticatedError (401) otherwise.
 */
export async function verifyAccessToken(
  token: string,
  opts: { keys: TokenKeySet; publicUrl: string; now: Date },
): Promise<AccessTokenClaims> {
  if (token.length > MAX_ACCESS_TOKEN_LENGTH) throw invalidToken();
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(
      token,
      async (header: ProtectedHeaderParameters) => {
        // The header only names a key; it can only pick among our token keys (RFC 8725 §3.1).
        const key = typeof header.kid === 'string' ? await opts.keys.keyFor(header.kid) : undefined;
        if (!key) throw new joseErrors.JWKSNoMatchingKey();
        return key;
      },
      {
        algorithms: ['EdDSA'],
        typ: ACCESS_TOKEN_TYP, // RFC 9068 §4: at+jwt (or application/at+jwt)
        issuer: tokenIssuer(opts.publicUrl),
        audience: tokenAudience(opts.publicUrl),
        requiredClaims: ['exp', 'iat', 'sub', 'jti', 'client_id', 'scope'],
        currentDate: opts.now,
        clockTolerance: CLOCK_SKEW_SECONDS,
      },
    ));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw invalidToken('The access token has expired.');
    if (err instanceof joseErrors.JOSEError) throw invalidToken();
    throw err;
  }
  const { sub, client_id: clientId, jti, exp } = payload;
  if (typeof sub !== 'string' || typeof clientId !== 'string' || typeof jti !== 'string' || typeof exp !== 'number') throw invalidToken();
  return { serviceId: sub, clientId, scopes: scopesOfClaim(payload.scope), exp, jti };
}

const invalidToken = (detail = 'The access token is invalid.'): UnauthenticatedError => new UnauthenticatedError(detail);
