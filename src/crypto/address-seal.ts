/**
 * Encryption at rest of citizens' e-mail addresses, as the private signing keys are sealed
 * (src/crypto/key-seal.ts): a compact JWE (RFC 7516 §7.1) with direct encryption
 * (RFC 7518 §4.5 `dir`, §5.3 `A256GCM`) under a 32-byte key derived from the key-encryption
 * key. The protected header, which AES-GCM authenticates (RFC 7516 §5.1 step 14), names the
 * key and the owner: an address copied to another citizen's row is refused.
 */
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';
import { b64url, concat, sha256, utf8 } from '@permis/sdk/encoding';
import { KeyError } from './key-error.js';
import { assertKek } from './key-seal.js';

/** A public identifier of the address key: 96 bits of a domain-separated SHA-256. */
async function keyIdOf(key: Uint8Array): Promise<string> {
  return b64url((await sha256(concat(utf8('permis address key id v1\0'), key))).subarray(0, 12));
}

/** Encrypts `address` for the citizen `owner` under `key` (32 bytes). */
export async function sealAddress(address: string, owner: string, key: Uint8Array): Promise<string> {
  assertKek(key);
  return new CompactEncrypt(utf8(address))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', cty: 'text/plain', kid: await keyIdOf(key), owner })
    .encrypt(key);
}

/**
 * Decrypts a JWE made by {@link sealAddress} for `owner`. Throws KeyError `kek_mismatch` for
 * another key and `key_corrupt` for damaged data or another owner.
 */
export async function openAddress(jwe: string, owner: string, key: Uint8Array): Promise<string> {
  assertKek(key);
  let header;
  try {
    header = decodeProtectedHeader(jwe);
  } catch (err) {
    throw new KeyError('key_corrupt', 'a stored e-mail address is not a JWE', { cause: err });
  }
  if (header.kid !== (await keyIdOf(key))) throw new KeyError('kek_mismatch', 'a stored e-mail address was encrypted under another key-encryption key');
  if (header.owner !== owner) throw new KeyError('key_corrupt', 'a stored e-mail address belongs to another row');
  try {
    const { plaintext } = await compactDecrypt(jwe, key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    return new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
  } catch (err) {
    throw new KeyError('key_corrupt', 'a stored e-mail address does not decrypt', { cause: err });
  }
}
