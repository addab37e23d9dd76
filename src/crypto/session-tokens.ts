/**
 * Opaque session tokens: 32 random bytes, base64url. Only their SHA-256 is stored, so a
 * database leak yields no usable token.
 */
import { b64url, sha256 } from '@permis/sdk/encoding';
import type { Random } from '../domain/runtime.js';

/** Shape of a token we issue: 32 bytes in base64url without padding (43 characters). */
export const SESSION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A fresh token and the hash to store for it. */
export async function newSessionToken(random: Random): Promise<{ token: string; tokenHash: string }> {
  const token = b64url(random.bytes(32));
  return { token, tokenHash: await hashSessionToken(token) };
}

/** The stored form of a token: base64url SHA-256 of its text. */
export async function hashSessionToken(token: string): Promise<string> {
  return b64url(await sha256(token));
}
