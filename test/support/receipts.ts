import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import type { RequestTarget } from './citizen.js';

/** Fetches the published JWKS exactly as an outside verifier would. */
export async function fetchJwks(app: RequestTarget): Promise<JSONWebKeySet> {
  const res = await app.request('/.well-known/jwks.json');
  if (res.status !== 200) throw new Error(`JWKS answered ${res.status}`);
  return (await res.json()) as JSONWebKeySet;
}

/**
 * Verifies a receipt with nothing but the public JWKS and a standard JOSE library, checks
 * `typ`, and recomputes `termsHash` from the terms it carries (RFC 8785 + SHA-256).
 */
export async function verifyReceipt(jws: string, jwks: JSONWebKeySet, issuer = 'http://localhost:8787') {
  const { payload, protectedHeader } = await jwtVerify(jws, createLocalJWKSet(jwks), {
    algorithms: ['EdDSA'],
    typ: 'consent-receipt+jwt',
    issuer,
  });
  const recomputed = createHash('sha256').update(canonicalize(payload.terms) as string).digest('base64url');
  if (recomputed !== payload.termsHash) throw new Error('termsHash does not match the terms');
  return { payload: payload as Record<string, unknown> & { termsHash: string; predecessorHash: string | null; revision: number }, protectedHeader };
}

/** base64url SHA-256 of a string (the receipt hash that chains revisions). */
export const sha256b64url = (s: string): string => createHash('sha256').update(s).digest('base64url');

/** RFC 8785 + SHA-256 of any terms object, recomputed independently of the server. */
export const termsHashOf = (terms: unknown): string => createHash('sha256').update(canonicalize(terms) as string).digest('base64url');
