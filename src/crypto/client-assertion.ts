/**
 * Verification of a service's client assertion: OAuth 2.0 client authentication with a JWT
 * signed by a key of the service's registered JWKS (`private_key_jwt`, RFC 7523 §2.2 and
 * §3). Every failure is an RFC 6749 §5.2 `invalid_client` OAuthError; jose errors never
 * escape this module. The jti replay cache and the service's status are the caller's.
 */
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, importJWK, jwtVerify, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import { invalidClient, OAuthError } from '../domain/oauth-error.js';
import type { PublicJwk, PublicJwks } from '../domain/service.js';

/** RFC 7523 §3 item 4: assertions valid for longer than this (from now) are refused. */
export const ASSERTION_MAX_LIFETIME_SECONDS = 300;
/** Leeway for the service's clock (RFC 7523 §3 items 4 and 5: "a few minutes" at most). */
export const ASSERTION_CLOCK_SKEW_SECONDS = 30;
/** Longest accepted assertion (characters of the compact JWS). */
export const MAX_ASSERTION_LENGTH = 8192;
/** Longest accepted `jti`. */
export const MAX_JTI_LENGTH = 256;

/** `client_assertion_type` for JWT client authentication (RFC 7523 §2.2). */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

// RFC 7518 §3.1 and RFC 8037 §3.1 / RFC 9864: asymmetric signature algorithms only. `none`
// and the HMAC family (HS*) are never accepted: a public key must never serve as a secret.
const ALGS_FOR: Record<PublicJwk['kty'], readonly string[]> = {
  OKP: ['EdDSA', 'Ed25519'],
  EC: ['ES256', 'ES384', 'ES512'],
  RSA: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
};
const EC_CURVE: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };
const ALLOWED_ALGS = new Set(Object.values(ALGS_FOR).flat());

/** Every `alg` a client assertion may be signed with (published in the RFC 8414 metadata). */
export const CLIENT_ASSERTION_ALGS: readonly string[] = [...ALLOWED_ALGS];
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** What a verified assertion established. */
export interface VerifiedAssertion {
  /** `iss` = `sub` = the client id (RFC 7523 §3 items 1 and 2). */
  clientId: string;
  jti: string;
  /** The assertion's `exp` (seconds since the epoch). */
  exp: number;
  /** The kid of the service key that signed it. */
  kid: string;
}

/** How to verify an assertion. */
export interface AssertionCheck {
  /** The service's registered public keys. */
  jwks: PublicJwks;
  /** The client id the assertion must be issued by and about. */
  clientId: string;
  /** Values of `aud` that identify this authorization server (RFC 7523 §3 item 3). */
  audiences: readonly string[];
  now: Date;
}

/**
 * The client id an assertion claims (its `iss`), read without verifying anything, so the
 * caller can look up the service whose keys will verify it. Throws invalid_client when the
 * assertion is not a compact JWS with a string `iss`.
 */
export function claimedClientId(assertion: string): string {
  if (assertion.length > MAX_ASSERTION_LENGTH || !COMPACT_JWS.test(assertion)) {
    throw invalidClient('The client assertion is not a compact JWS.');
  }
  let claims: JWTPayload;
  try {
    claims = decodeJwt(assertion);
  } catch {
    throw invalidClient('The client assertion is not a JWT.');
  }
  if (typeof claims.iss !== 'string' || claims.iss === '') throw invalidClient('The client assertion has no iss claim.');
  return claims.iss;
}

/**
 * Verifies `assertion` as RFC 7523 §3 asks: an asymmetric `alg` that fits the key, the key
 * picked by `kid` from the service's JWKS, the signature, `iss` = `sub` = clientId, an `aud`
 * naming only this server, an `exp` in the future but at most
 * ASSERTION_MAX_LIFETIME_SECONDS ahead, `nbf`/`iat` not in the future, and a `jti`.
 * Returns what it established; throws invalid_client OAuthError otherwise.
 */
export async function verifyClientAssertion(assertion: string, check: AssertionCheck): Promise<VerifiedAssertion> {
  if (assertion.length > MAX_ASSERTION_LENGTH || !COMPACT_JWS.test(assertion)) {
    throw invalidClient('The client assertion is not a compact JWS.');
  }
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(assertion);
  } catch {
    throw invalidClient('The client assertion header is not valid.');
  }
  const alg = header.alg;
  // RFC 8725 §3.1: the algorithm is checked against an allow-list, never taken on trust.
  if (typeof alg !== 'string' || !ALLOWED_ALGS.has(alg)) {
    throw invalidClient('The client assertion must be signed with an asymmetric algorithm (EdDSA, ES256, ES384, ES512, RS256, PS256 and similar).');
  }
  const jwk = pickKey(check.jwks, header.kid, alg);
  let key: CryptoKey | Uint8Array;
  try {
    key = await importJWK({ ...jwk }, alg);
  } catch {
    throw invalidClient('The registered key cannot verify this algorithm.');
  }

  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(assertion, key, {
      algorithms: [alg],
      issuer: check.clientId, // RFC 7523 §3 item 1
      subject: check.clientId, // RFC 7523 §3 item 2
      requiredClaims: ['exp', 'jti'], // RFC 7523 §3 items 4 and 7 (we require jti)
      currentDate: check.now,
      clockTolerance: ASSERTION_CLOCK_SKEW_SECONDS,
    }));
  } catch (err) {
    throw fromJose(err);
  }

  // RFC 7523 §3 item 3, hardened as draft-ietf-oauth-rfc7523bis §4: every audience must be us,
  // so an assertion made for another server cannot also be valid here.
  const aud = claims.aud;
  const auds = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (auds.length === 0 || !auds.every((a) => typeof a === 'string' && check.audiences.includes(a))) {
    throw invalidClient('The client assertion aud must be the token endpoint URL or the issuer.');
  }
  const nowSeconds = Math.floor(check.now.getTime() / 1000);
  const exp = claims.exp!;
  // RFC 7523 §3 item 4: "MAY reject JWTs with an exp claim value that is unreasonably far in the future".
  if (exp > nowSeconds + ASSERTION_MAX_LIFETIME_SECONDS + ASSERTION_CLOCK_SKEW_SECONDS) {
    throw invalidClient(`The client assertion exp is too far in the future: assertions may be valid for at most ${ASSERTION_MAX_LIFETIME_SECONDS} seconds.`);
  }
  // RFC 7523 §3 item 6: iat, when present, must not be in the future.
  if (claims.iat !== undefined && claims.iat > nowSeconds + ASSERTION_CLOCK_SKEW_SECONDS) {
    throw invalidClient('The client assertion iat is in the future.');
  }
  const jti = claims.jti;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
    throw invalidClient(`The client assertion jti must be a string of 1 to ${MAX_JTI_LENGTH} characters.`);
  }
  return { clientId: check.clientId, jti, exp, kid: jwk.kid };
}

/** The service key that must have signed: the one named by `kid`, or the only key that fits `alg`. */
function pickKey(jwks: PublicJwks, kid: unknown, alg: string): PublicJwk {
  let jwk: PublicJwk | undefined;
  if (kid !== undefined) {
    if (typeof kid !== 'string') throw invalidClient('The client assertion kid must be a string.');
    jwk = jwks.keys.find((k) => k.kid === kid);
    if (!jwk) throw invalidClient('No key of this client has the kid of the client assertion.');
  } else {
    const fitting = jwks.keys.filter((k) => fits(k, alg));
    if (fitting.length !== 1) throw invalidClient('The client assertion must name its key with kid.');
    jwk = fitting[0]!;
  }
  if (!fits(jwk, alg)) throw invalidClient('The client assertion alg does not match the key named by kid.');
  return jwk;
}

/** True when `alg` is a signature algorithm of `jwk`'s type and curve, and its declared alg if any. */
function fits(jwk: PublicJwk, alg: string): boolean {
  if (!ALGS_FOR[jwk.kty]?.includes(alg)) return false;
  if (jwk.kty === 'EC' && jwk.crv !== EC_CURVE[alg]) return false;
  if (jwk.alg === undefined) return true;
  // RFC 9864 §2: Ed25519 is the fully-specified name of EdDSA over Ed25519.
  if (jwk.kty === 'OKP') return ALGS_FOR.OKP.includes(jwk.alg);
  return jwk.alg === alg;
}

/** Maps a jose verification error to an invalid_client with a safe description. */
function fromJose(err: unknown): OAuthError {
  if (err instanceof joseErrors.JWTExpired) return invalidClient('The client assertion has expired.');
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    const claim = /^[a-z_]{1,16}$/.test(err.claim) ? err.claim : 'a';
    if (claim === 'iss' || claim === 'sub') {
      return invalidClient('The client assertion iss and sub must both be the client id.');
    }
    if (claim === 'nbf') return invalidClient('The client assertion is not valid yet (nbf).');
    return invalidClient(`The client assertion ${claim} claim is missing or invalid.`);
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return invalidClient('The client assertion signature does not verify.');
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return invalidClient('The client assertion algorithm is not allowed.');
  return invalidClient('The client assertion is not a valid JWS.');
}
