/**
 * Ed25519 key material for the signing keys: generation, import of configured
 * private JWKs, RFC 7638 key ids and the public JWKs we publish. WebCrypto and jose only,
 * so it runs on Node.js and Workers alike.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { fromB64, utf8 } from '@permis/sdk/encoding';
import { KeyError } from './key-error.js';

/** The public JWK shape we publish: exactly these members, nothing private. */
export interface PublicSigningJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

/** An Ed25519 private JWK reduced to its key members (RFC 8037 §2). */
export interface Ed25519PrivateJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  d: string;
}

/** A usable signing key: the private half as a non-extractable CryptoKey. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: PublicSigningJwk;
}

const B64URL_32 = /^[A-Za-z0-9_-]{43}$/;

/** The published public JWK for `x` under `kid`; built member by member so nothing else leaks. */
export function publicJwkOf(x: string, kid: string): PublicSigningJwk {
  return { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' };
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of the Ed25519 public key `x` (RFC 8037 §2). */
export async function thumbprintOf(x: string): Promise<string> {
  return calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x }, 'sha256');
}

/** Imports the private half of `jwk` as a non-extractable signing key; errors name `what`. */
export async function importPrivate(jwk: Ed25519PrivateJwk, what = 'the private key'): Promise<CryptoKey> {
  try {
    const key = await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d }, 'EdDSA', { extractable: false });
    if (key instanceof Uint8Array) throw new KeyError('key_invalid', 'not an asymmetric key');
    return key;
  } catch (err) {
    throw new KeyError('key_invalid', `${what} cannot be imported as an Ed25519 key (do "d" and "x" belong together?)`, { cause: err });
  }
}

/** Generates a fresh Ed25519 key pair; returns its thumbprint kid and the private JWK to seal. */
export async function generateSigningKey(): Promise<{ kid: string; jwk: Ed25519PrivateJwk }> {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const exported = await exportJWK(pair.privateKey);
  if (exported.kty !== 'OKP' || exported.crv !== 'Ed25519' || !exported.x || !exported.d) {
    throw new KeyError('key_invalid', 'the runtime produced an unexpected Ed25519 key');
  }
  const jwk: Ed25519PrivateJwk = { kty: 'OKP', crv: 'Ed25519', x: exported.x, d: exported.d };
  return { kid: await thumbprintOf(jwk.x), jwk };
}

/** Checks that `d` and `x` belong together by signing and verifying a probe (RFC 8032 §5.1). */
async function assertPair(privateKey: CryptoKey, x: string, what: string): Promise<void> {
  const probe = utf8('permis signing key check');
  let ok = false;
  try {
    const pub = await crypto.subtle.importKey('raw', fromB64(x) as BufferSource, { name: 'Ed25519' }, false, ['verify']);
    const sig = await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, probe as BufferSource);
    ok = await crypto.subtle.verify({ name: 'Ed25519' }, pub, sig, probe as BufferSource);
  } catch (err) {
    throw new KeyError('key_invalid', `${what}: the key cannot be used for Ed25519 signatures`, { cause: err });
  }
  if (!ok) throw new KeyError('key_invalid', `${what}: the private key "d" does not match the public key "x"`);
}

/**
 * Validates a configured private JWK (an Ed25519 OKP key with `x` and `d`, RFC 8037 §2) and
 * returns it as a signing key. Its `kid` is the one given, or else the RFC 7638 thumbprint.
 * Throws KeyError `key_invalid` naming `what` (e.g. "the configured receipt key").
 */
export async function importConfiguredKey(jwk: JWK, what: string): Promise<SigningKey> {
  if (typeof jwk !== 'object' || jwk === null) throw new KeyError('key_invalid', `${what} is not a JWK object`);
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') {
    throw new KeyError('key_invalid', `${what} must be an Ed25519 key ("kty": "OKP", "crv": "Ed25519")`);
  }
  const { x, d } = jwk as { x?: unknown; d?: unknown };
  if (typeof x !== 'string' || !B64URL_32.test(x)) throw new KeyError('key_invalid', `${what} needs "x": 32 bytes in base64url`);
  if (typeof d !== 'string' || !B64URL_32.test(d)) {
    throw new KeyError('key_invalid', `${what} must be a private key with "d": 32 bytes in base64url`);
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') throw new KeyError('key_invalid', `${what} has "use" other than "sig"`);
  if (jwk.alg !== undefined && jwk.alg !== 'EdDSA' && jwk.alg !== 'Ed25519') {
    throw new KeyError('key_invalid', `${what} has "alg" other than "EdDSA"`);
  }
  if (jwk.kid !== undefined && (typeof jwk.kid !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(jwk.kid))) {
    throw new KeyError('key_invalid', `${what} has a "kid" that is not 1-128 printable ASCII characters`);
  }
  const privateKey = await importPrivate({ kty: 'OKP', crv: 'Ed25519', x, d }, what);
  await assertPair(privateKey, x, what);
  const kid = jwk.kid ?? (await thumbprintOf(x));
  return { kid, privateKey, publicJwk: publicJwkOf(x, kid) };
}
