import { decodeCredentialPublicKey } from '@simplewebauthn/server/helpers';
import { b64url } from '@permis/sdk/encoding';
import { InternalError } from '../domain/errors.js';

const crvNames: Record<number, string> = { 1: 'P-256', 2: 'P-384', 3: 'P-521', 6: 'Ed25519' };
const algNames: Record<number, string> = { [-7]: 'ES256', [-8]: 'EdDSA', [-35]: 'ES384', [-36]: 'ES512', [-257]: 'RS256', [-37]: 'PS256' };

/**
 * The public JWK (RFC 7517) of a WebAuthn credential's COSE_Key (RFC 9052 §7, RFC 9053 §7),
 * so a third party can verify a citizen's passkey signature with any JOSE library.
 * Throws on a key type we do not support.
 */
export function coseToJwk(cose: Uint8Array): Record<string, string> {
  let key: Map<number, unknown>;
  try {
    key = decodeCredentialPublicKey(cose as Uint8Array<ArrayBuffer>) as unknown as Map<number, unknown>;
  } catch (err) {
    throw new InternalError('cose_key_invalid', 'not a COSE public key', { cause: err });
  }
  const kty = key.get(1);
  const alg = algNames[key.get(3) as number];
  const bytes = (label: number): string => {
    const v = key.get(label);
    if (!(v instanceof Uint8Array)) throw new InternalError('cose_key_invalid', `COSE key lacks parameter ${label}`);
    return b64url(v);
  };
  if (kty === 1) return { kty: 'OKP', crv: crvNames[key.get(-1) as number] ?? 'unknown', x: bytes(-2), ...(alg ? { alg } : {}) };
  if (kty === 2) return { kty: 'EC', crv: crvNames[key.get(-1) as number] ?? 'unknown', x: bytes(-2), y: bytes(-3), ...(alg ? { alg } : {}) };
  if (kty === 3) return { kty: 'RSA', n: bytes(-1), e: bytes(-2), ...(alg ? { alg } : {}) };
  throw new InternalError('cose_key_invalid', `unsupported COSE key type ${String(kty)}`);
}
