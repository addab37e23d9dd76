/**
 * Verifies the citizen's passkey signature that a receipt carries: a WebAuthn
 * assertion (W3C WebAuthn Level 3 §7.2) whose challenge is SHA-256(nonce ‖ termsHash), so a
 * third party can check that the citizen's own authenticator signed exactly these terms.
 */
import { b64url, concat, sha256, strictB64url, bytesEqual } from '../core/encoding.js';
import { type ReceiptFailure, ReceiptError } from './receipt-error.js';

/** The `citizenSignature` claim of a receipt. */
export interface CitizenSignature {
  /** The 32-byte approval nonce, base64url. */
  nonce: string;
  /** The passkey's credential id, base64url. */
  credentialId: string;
  /** The passkey's public key as a JWK (EC P-256, OKP Ed25519 or RSA). */
  publicKeyJwk: JsonWebKey;
  /** WebAuthn authenticator data, base64url. */
  authenticatorData: string;
  /** The client data JSON, base64url of its UTF-8 bytes. */
  clientDataJSON: string;
  /** The assertion signature, base64url (DER for ECDSA). */
  signature: string;
}

/** What verifying a citizen signature established. */
export interface VerifiedCitizenSignature {
  credentialId: string;
  /** `ES256`, `EdDSA` or `RS256`. */
  alg: 'ES256' | 'EdDSA' | 'RS256';
  /** The origin in the client data (where the ceremony ran). */
  origin: string;
}

/** Checks the citizen signature against, optionally, an expected origin and relying-party id. */
export interface CitizenSignatureOptions {
  /** The WebAuthn origin the ceremony must have run at, e.g. `https://permis.example.cat`. */
  origin?: string;
  /** The relying-party id whose SHA-256 the authenticator data must start with. */
  rpId?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** ASN.1 DER ECDSA-Sig-Value (RFC 3279 §2.2.3) → the 64-byte r ‖ s that WebCrypto verifies. */
function derToRaw(der: Uint8Array, size = 32): Uint8Array | undefined {
  let i = 0;
  if (der[i++] !== 0x30) return undefined;
  let len = der[i++]!;
  if (len & 0x80) {
    if (len !== 0x81) return undefined;
    len = der[i++]!;
  }
  if (i + len !== der.length) return undefined;
  const ints: Uint8Array[] = [];
  for (let k = 0; k < 2; k++) {
    if (der[i++] !== 0x02) return undefined;
    const l = der[i++]!;
    if (l === 0 || i + l > der.length) return undefined;
    let v = der.subarray(i, i + l);
    i += l;
    while (v.length > 1 && v[0] === 0) v = v.subarray(1);
    if (v.length > size) return undefined;
    ints.push(v);
  }
  if (i !== der.length) return undefined;
  const out = new Uint8Array(2 * size);
  out.set(ints[0]!, size - ints[0]!.length);
  out.set(ints[1]!, 2 * size - ints[1]!.length);
  return out;
}

async function verifyWithJwk(jwk: Record<string, unknown>, signed: Uint8Array, signature: Uint8Array): Promise<{ ok: boolean; alg: VerifiedCitizenSignature['alg'] }> {
  const bad = () => new ReceiptError('citizen_signature_invalid', 'the passkey public key is not a supported JWK');
  const pub = Object.fromEntries(Object.entries(jwk).filter(([k]) => ['kty', 'crv', 'x', 'y', 'n', 'e'].includes(k))) as JsonWebKey;
  try {
    if (pub.kty === 'EC' && pub.crv === 'P-256') {
      const key = await crypto.subtle.importKey('jwk', pub, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
      const raw = derToRaw(signature);
      if (!raw) return { ok: false, alg: 'ES256' };
      return { ok: await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, raw as BufferSource, signed as BufferSource), alg: 'ES256' };
    }
    if (pub.kty === 'OKP' && pub.crv === 'Ed25519') {
      const key = await crypto.subtle.importKey('jwk', pub, { name: 'Ed25519' }, false, ['verify']);
      return { ok: await crypto.subtle.verify({ name: 'Ed25519' }, key, signature as BufferSource, signed as BufferSource), alg: 'EdDSA' };
    }
    if (pub.kty === 'RSA') {
      const key = await crypto.subtle.importKey('jwk', pub, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
      return { ok: await crypto.subtle.verify({ name: 'RSASSA-PKCS1-v1_5' }, key, signature as BufferSource, signed as BufferSource), alg: 'RS256' };
    }
  } catch {
    throw bad();
  }
  throw bad();
}

/**
 * Verifies `sig` over the terms whose hash is `termsHash` (base64url): the client data is a
 * `webauthn.get` whose challenge is base64url(SHA-256(nonce ‖ termsHash)), the user was present,
 * and the passkey's public key verifies the signature over authenticatorData ‖
 * SHA-256(clientDataJSON). Throws VerificationError (`citizen_signature_invalid`,
 * `challenge_mismatch`, `client_data_invalid`, `origin_mismatch`, `rp_id_mismatch`) otherwise.
 */
export async function verifyCitizenSignature(sig: unknown, termsHash: string, opts: CitizenSignatureOptions = {}): Promise<VerifiedCitizenSignature> {
  const fail = (reason: ReceiptFailure, message: string) => new ReceiptError(reason, message);
  if (!isObject(sig)) throw fail('citizen_signature_invalid', 'citizenSignature is not an object');
  const field = (name: string): Uint8Array => {
    const v = sig[name];
    const bytes = typeof v === 'string' ? strictB64url(v) : undefined;
    if (!bytes) throw fail('citizen_signature_invalid', `citizenSignature.${name} is not base64url`);
    return bytes;
  };
  const nonce = field('nonce');
  const authenticatorData = field('authenticatorData');
  const clientDataJSON = field('clientDataJSON');
  const signature = field('signature');
  field('credentialId');
  const termsDigest = strictB64url(termsHash);
  if (!termsDigest || termsDigest.length !== 32) throw fail('claims_invalid', 'termsHash is not a base64url SHA-256 digest');
  if (!isObject(sig.publicKeyJwk)) throw fail('citizen_signature_invalid', 'citizenSignature.publicKeyJwk is not a JWK');

  // WebAuthn §7.2 steps 10-12: the client data of an assertion, with our challenge.
  let clientData: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(clientDataJSON));
    if (!isObject(parsed)) throw new Error('not an object');
    clientData = parsed;
  } catch {
    throw fail('client_data_invalid', 'clientDataJSON is not a JSON object');
  }
  if (clientData.type !== 'webauthn.get') throw fail('client_data_invalid', 'clientDataJSON.type is not webauthn.get');
  const expected = b64url(await sha256(concat(nonce, termsDigest)));
  if (clientData.challenge !== expected) {
    throw fail('challenge_mismatch', 'the passkey signed a challenge other than SHA-256(nonce ‖ termsHash): not these terms');
  }
  if (typeof clientData.origin !== 'string') throw fail('client_data_invalid', 'clientDataJSON.origin is missing');
  if (opts.origin !== undefined && clientData.origin !== opts.origin) {
    throw fail('origin_mismatch', `the ceremony ran at ${clientData.origin}, not ${opts.origin}`);
  }
  // WebAuthn §6.1: rpIdHash (32 bytes), flags (1), signCount (4).
  if (authenticatorData.length < 37) throw fail('citizen_signature_invalid', 'authenticatorData is too short');
  if (opts.rpId !== undefined && !bytesEqual(authenticatorData.subarray(0, 32), await sha256(opts.rpId))) {
    throw fail('rp_id_mismatch', `the passkey is not for relying party ${opts.rpId}`);
  }
  if ((authenticatorData[32]! & 0x01) === 0) throw fail('citizen_signature_invalid', 'the user-present flag is not set');
  // WebAuthn §7.2 steps 19-20: the signature over authenticatorData ‖ SHA-256(clientDataJSON).
  const signed = concat(authenticatorData, await sha256(clientDataJSON));
  const { ok, alg } = await verifyWithJwk(sig.publicKeyJwk, signed, signature);
  if (!ok) throw fail('citizen_signature_invalid', "the citizen's passkey signature does not verify");
  return { credentialId: sig.credentialId as string, alg, origin: clientData.origin };
}
