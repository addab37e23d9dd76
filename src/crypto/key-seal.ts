/**
 * Encryption at rest of private signing keys: a compact JWE (RFC 7516 §7.1) with direct
 * encryption under the 32-byte key-encryption key (RFC 7518 §4.5 `dir`, §5.3 `A256GCM`).
 * The JWE's `kid` names the key-encryption key by a short hash, so a wrong key is told apart
 * from damaged data before any decryption is attempted.
 */
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';
import { b64url, concat, sha256, utf8 } from '@permis/sdk/encoding';
import { KeyError } from './key-error.js';
import type { Ed25519PrivateJwk } from './key-material.js';

const KEK_MISMATCH_HINT =
  'start with the key-encryption key the signing keys were created with (KEY_ENCRYPTION_KEY, or the kek file in the data directory)';

/** Throws KeyError `kek_invalid` unless `kek` is exactly 32 bytes (A256GCM key size, RFC 7518 §5.3). */
export function assertKek(kek: Uint8Array): void {
  if (!(kek instanceof Uint8Array) || kek.length !== 32) {
    throw new KeyError('kek_invalid', 'the key-encryption key must be exactly 32 bytes');
  }
}

/** A public, non-reversible identifier of `kek`: 96 bits of a domain-separated SHA-256. */
export async function kekIdOf(kek: Uint8Array): Promise<string> {
  return b64url((await sha256(concat(utf8('permis key-encryption key id v1\0'), kek))).subarray(0, 12));
}

/** Encrypts the private JWK `jwk` under `kek` as a compact JWE; the plaintext never leaves. */
export async function sealPrivateJwk(jwk: Ed25519PrivateJwk, kek: Uint8Array): Promise<string> {
  assertKek(kek);
  const plaintext = utf8(JSON.stringify({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d }));
  return new CompactEncrypt(plaintext)
    // RFC 7516 §4.1.12 `cty`: the payload is a JWK (RFC 7517 §8.5.1 media type jwk+json).
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', cty: 'jwk+json', kid: await kekIdOf(kek) })
    .encrypt(kek);
}

/**
 * Decrypts a JWE made by sealPrivateJwk and checks it holds the Ed25519 key whose public
 * half is `expectedX` (so a ciphertext moved to another row is refused). Throws KeyError
 * `kek_mismatch` for a wrong key-encryption key and `key_corrupt` for damaged data.
 */
export async function openPrivateJwk(jwe: string, kek: Uint8Array, expect: { kid: string; x: string }): Promise<Ed25519PrivateJwk> {
  assertKek(kek);
  let header;
  try {
    header = decodeProtectedHeader(jwe);
  } catch (err) {
    throw new KeyError('key_corrupt', `the stored private key ${expect.kid} is not a JWE`, { cause: err });
  }
  if (header.kid !== undefined && header.kid !== (await kekIdOf(kek))) {
    throw new KeyError('kek_mismatch', `the key-encryption key does not match the one that encrypted signing key ${expect.kid}: ${KEK_MISMATCH_HINT}`);
  }
  let plaintext: Uint8Array;
  try {
    ({ plaintext } = await compactDecrypt(jwe, kek, {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
    }));
  } catch (err) {
    // An authentication-tag failure (RFC 7516 §5.2 step 16) is what a wrong key looks like.
    throw new KeyError('kek_mismatch', `the key-encryption key does not decrypt signing key ${expect.kid}: ${KEK_MISMATCH_HINT}`, { cause: err });
  }
  let jwk: Partial<Ed25519PrivateJwk>;
  try {
    jwk = JSON.parse(new TextDecoder().decode(plaintext)) as Partial<Ed25519PrivateJwk>;
  } catch (err) {
    throw new KeyError('key_corrupt', `the stored private key ${expect.kid} is not a JWK`, { cause: err });
  }
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string' || jwk.x !== expect.x) {
    throw new KeyError('key_corrupt', `the stored private key ${expect.kid} does not belong to its public key`);
  }
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d };
}
