/**
 * Offline verification of consent receipts: a compact JWS (RFC 7515), `alg`
 * EdDSA, `typ` consent-receipt+jwt, `kid` naming a key of the published JWKS, whose claims
 * carry the terms, their RFC 8785 hash, the hash chain and, when the citizen confirmed with a
 * passkey, the citizen's own signature over the terms. Needs nothing but the JWKS.
 */
import canonicalize from 'canonicalize';
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { b64url, fromB64, sha256 } from '../core/encoding.js';
import { type CitizenSignature, type CitizenSignatureOptions, verifyCitizenSignature, type VerifiedCitizenSignature } from './passkey-signature.js';
import { ReceiptError } from './receipt-error.js';

/** The JOSE `typ` of a consent receipt (RFC 7515 §4.1.9). */
export const RECEIPT_TYP = 'consent-receipt+jwt';

/** A JWK Set as published at `/.well-known/jwks.json`. */
export interface JwkSet {
  keys: readonly Record<string, unknown>[];
}

/** The claims of a receipt (RFC 7519, Kantara Consent Receipt v1.1 core fields, Permís's own). */
export interface ReceiptClaims {
  iss: string;
  iat: number;
  jti: string;
  version: string;
  jurisdiction: string;
  consentTimestamp: number;
  collectionMethod: string;
  consentReceiptID: string;
  language: string;
  /** The pairwise subject reference of the citizen at this service. */
  piiPrincipalId: string;
  piiControllers: unknown[];
  policyUrl: string;
  services: unknown[];
  sensitive: boolean;
  spiCat: string[];
  event: string;
  consentId: string;
  revision: number;
  status: string;
  validUntil: string;
  /** The exact terms the citizen agreed to. */
  terms: Record<string, unknown>;
  termsHash: string;
  predecessorHash: string | null;
  citizenSignature?: CitizenSignature;
  [claim: string]: unknown;
}

/** What a verified receipt says. */
export interface VerifiedReceipt {
  header: { alg: 'EdDSA'; typ: typeof RECEIPT_TYP; kid: string };
  claims: ReceiptClaims;
  /** Present when the receipt carries the citizen's passkey signature (verified). */
  citizenSignature?: VerifiedCitizenSignature;
  /** base64url SHA-256 of the JWS text: the next revision's `predecessorHash`. */
  hash: string;
}

/** Options of `verifyReceipt`. */
export interface VerifyReceiptOptions extends CitizenSignatureOptions {
  /** The expected issuer (the server's public URL, e.g. `https://permis.example.cat`). */
  issuer?: string;
  /** The previous receipt of the same consent (its JWS), or `null` for the first revision. */
  predecessor?: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** base64url SHA-256 of a receipt's JWS text: what the next revision's `predecessorHash` holds. */
export async function receiptHash(jws: string): Promise<string> {
  return b64url(await sha256(jws));
}

/** `termsHash`: base64url SHA-256 of the RFC 8785 (JCS) canonical JSON of `terms`. */
export async function computeTermsHash(terms: unknown): Promise<string> {
  const canonical = canonicalize(terms);
  if (canonical === undefined) throw new ReceiptError('claims_invalid', 'the terms cannot be canonicalized');
  return b64url(await sha256(canonical));
}

function checkClaims(p: Record<string, unknown>): ReceiptClaims {
  const bad = (why: string) => new ReceiptError('claims_invalid', `receipt claims: ${why}`);
  const str = ['iss', 'jti', 'version', 'jurisdiction', 'collectionMethod', 'consentReceiptID', 'language', 'piiPrincipalId', 'policyUrl', 'event', 'consentId', 'status', 'validUntil', 'termsHash'];
  for (const k of str) if (typeof p[k] !== 'string' || p[k] === '') throw bad(`${k} must be a non-empty string`);
  for (const k of ['iat', 'consentTimestamp']) if (!Number.isSafeInteger(p[k])) throw bad(`${k} must be an integer`);
  if (!Number.isSafeInteger(p.revision) || (p.revision as number) < 1) throw bad('revision must be a positive integer');
  if (typeof p.sensitive !== 'boolean') throw bad('sensitive must be a boolean');
  for (const k of ['piiControllers', 'services', 'spiCat']) if (!Array.isArray(p[k])) throw bad(`${k} must be an array`);
  if (!isObject(p.terms)) throw bad('terms must be an object');
  if (p.predecessorHash !== null && typeof p.predecessorHash !== 'string') throw bad('predecessorHash must be a string or null');
  if (p.revision === 1 && p.predecessorHash !== null) throw bad('the first revision has no predecessor');
  if (p.revision !== 1 && p.predecessorHash === null) throw bad('a later revision must name its predecessor');
  if (p.consentReceiptID !== p.jti) throw bad('consentReceiptID differs from jti');
  // The summary claims must say what the terms say.
  const t = p.terms;
  if (t.subjectRef !== p.piiPrincipalId) throw bad('piiPrincipalId differs from terms.subjectRef');
  if (t.validUntil !== p.validUntil) throw bad('validUntil differs from terms.validUntil');
  if (t.jurisdiction !== p.jurisdiction) throw bad('jurisdiction differs from terms.jurisdiction');
  if (isObject(t.notice) && t.notice.language !== p.language) throw bad('language differs from terms.notice.language');
  return p as ReceiptClaims;
}

/**
 * Verifies a consent receipt offline with the JWKS only: the compact JWS, `alg` EdDSA, `typ`
 * consent-receipt+jwt, the `kid`, the signature, the claims (and their agreement with the
 * terms), `termsHash` recomputed with RFC 8785, optionally `iss` and the predecessor, and the
 * citizen's passkey signature over the terms when present. Resolves with the header and
 * claims; throws ReceiptError with a specific `reason` otherwise.
 */
export async function verifyReceipt(jws: string, jwks: JwkSet, opts: VerifyReceiptOptions = {}): Promise<VerifiedReceipt> {
  if (typeof jws !== 'string') throw new ReceiptError('malformed', 'a receipt is a compact JWS string');
  jws = jws.trim();
  const parts = jws.split('.');
  if (parts.length !== 3 || parts.some((s) => !/^[A-Za-z0-9_-]+$/.test(s))) {
    throw new ReceiptError('malformed', 'not a compact JWS: three base64url segments separated by dots');
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jws) as Record<string, unknown>;
  } catch {
    throw new ReceiptError('malformed', 'the JWS header is not a base64url JSON object');
  }
  if (header.alg !== 'EdDSA') throw new ReceiptError('unsupported_alg', `alg is ${JSON.stringify(header.alg)}, not EdDSA`);
  if (header.typ !== RECEIPT_TYP) throw new ReceiptError('wrong_typ', `typ is ${JSON.stringify(header.typ)}, not ${RECEIPT_TYP}`);
  if (header.crit !== undefined) throw new ReceiptError('malformed', 'unsupported crit header'); // RFC 7515 §4.1.11
  if (typeof header.kid !== 'string' || header.kid === '') throw new ReceiptError('missing_kid', 'the JWS header has no kid');
  const kid = header.kid;
  const jwk = jwks.keys.find((k) => k.kid === kid);
  if (!jwk) throw new ReceiptError('unknown_kid', `no key with kid ${kid} in the JWKS`);
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || 'd' in jwk) {
    throw new ReceiptError('bad_key', `the key ${kid} is not an Ed25519 public key`);
  }
  let key: CryptoKey | Uint8Array;
  try {
    key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x: jwk.x } as JWK, 'EdDSA');
  } catch {
    throw new ReceiptError('bad_key', `the key ${kid} is not a valid Ed25519 public key`);
  }
  let payloadBytes: Uint8Array;
  try {
    ({ payload: payloadBytes } = await compactVerify(jws, key, { algorithms: ['EdDSA'] }));
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') throw new ReceiptError('signature_invalid', 'the receipt signature does not verify');
    throw new ReceiptError('malformed', `the JWS cannot be verified: ${(err as Error).message}`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payloadBytes));
  } catch {
    throw new ReceiptError('malformed', 'the payload is not JSON');
  }
  if (!isObject(payload)) throw new ReceiptError('malformed', 'the payload is not a JSON object');
  const claims = checkClaims(payload);
  if (opts.issuer !== undefined && claims.iss !== opts.issuer.replace(/\/+$/, '')) {
    throw new ReceiptError('issuer_mismatch', `issued by ${claims.iss}, not ${opts.issuer}`);
  }
  if ((await computeTermsHash(claims.terms)) !== claims.termsHash) {
    throw new ReceiptError('terms_hash_mismatch', 'termsHash is not the SHA-256 of the canonical terms');
  }
  if (opts.predecessor !== undefined) {
    const expected = opts.predecessor === null ? null : await receiptHash(opts.predecessor);
    if (claims.predecessorHash !== expected) throw new ReceiptError('predecessor_mismatch', 'predecessorHash is not the hash of the previous receipt');
  }
  const verified: VerifiedReceipt = { header: { alg: 'EdDSA', typ: RECEIPT_TYP, kid }, claims, hash: await receiptHash(jws) };
  if (claims.citizenSignature !== undefined) {
    verified.citizenSignature = await verifyCitizenSignature(claims.citizenSignature, claims.termsHash, opts);
  }
  return verified;
}

/**
 * Verifies the receipts of one consent in revision order: each one with `verifyReceipt`, the
 * first with no predecessor, each next one chained to the previous by `predecessorHash`, all
 * of the same consent with consecutive revisions. Throws ReceiptError otherwise.
 */
export async function verifyReceiptChain(jwsList: readonly string[], jwks: JwkSet, opts: Omit<VerifyReceiptOptions, 'predecessor'> = {}): Promise<VerifiedReceipt[]> {
  const out: VerifiedReceipt[] = [];
  let prev: string | null = null;
  for (const jws of jwsList) {
    const r = await verifyReceipt(jws, jwks, { ...opts, predecessor: prev });
    const first = out[0];
    if (first && (r.claims.consentId !== first.claims.consentId || r.claims.revision !== out.length + 1)) {
      throw new ReceiptError('predecessor_mismatch', `receipt ${out.length + 1} is not the next revision of consent ${first.claims.consentId}`);
    }
    if (!first && r.claims.revision !== 1) throw new ReceiptError('predecessor_mismatch', 'the chain does not start at revision 1');
    out.push(r);
    prev = jws;
  }
  return out;
}

/** Decodes a receipt's claims WITHOUT verifying anything (for display before verification). */
export function decodeReceiptUnverified(jws: string): Record<string, unknown> {
  const part = jws.split('.')[1];
  if (!part) throw new ReceiptError('malformed', 'not a compact JWS');
  try {
    const v: unknown = JSON.parse(new TextDecoder().decode(fromB64(part)));
    if (!isObject(v)) throw new Error();
    return v;
  } catch {
    throw new ReceiptError('malformed', 'the payload is not a JSON object');
  }
}
