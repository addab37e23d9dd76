import { type JWTPayload, SignJWT } from 'jose';
import { KeyError } from './key-error.js';
import type { KeyRing, KeyUse } from './key-ring.js';

/** What to sign: the explicit `typ` (RFC 8725 §3.11) and the claims, used as given. */
export interface JwtToSign {
  typ: string;
  claims: JWTPayload;
}

/**
 * Signs `claims` as a compact JWS (RFC 7515 §7.1) with the active Ed25519 key of `use`;
 * the protected header is exactly `{ alg: 'EdDSA', typ, kid }` (RFC 8037 §3.1). Adds no
 * claims of its own. Returns the JWS and the kid that signed it. Safe inside a transaction.
 */
export async function signJwt(keys: KeyRing, use: KeyUse, input: JwtToSign): Promise<{ jws: string; kid: string }> {
  const key = await keys.active(use);
  try {
    const jws = await new SignJWT(input.claims).setProtectedHeader({ alg: 'EdDSA', typ: input.typ, kid: key.kid }).sign(key.privateKey);
    return { jws, kid: key.kid };
  } catch (err) {
    throw new KeyError('sign_failed', `could not sign a ${use} JWT with key ${key.kid}`, { cause: err });
  }
}
