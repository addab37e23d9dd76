import canonicalize from 'canonicalize';
import type { ConsentTerms } from '../domain/consent.js';
import { b64url, sha256 } from '@permis/sdk/encoding';

/** RFC 8785 (JCS) canonical JSON text of `value`. */
export function canonicalJson(value: unknown): string {
  const s = canonicalize(value);
  if (s === undefined) throw new TypeError('value cannot be canonicalized');
  return s;
}

/** `termsHash`: base64url SHA-256 of the RFC 8785 canonical form of the terms. */
export async function termsHash(terms: ConsentTerms): Promise<string> {
  return b64url(await sha256(canonicalJson(terms)));
}
