/**
 * Validation of the public JWKS a service registers for client authentication (RFC 7523
 * `private_key_jwt`). Only public signature keys are accepted, each with a `kid`,
 * and each must import as a real key; jose errors never escape this module.
 */
import { importJWK } from 'jose';
import { fromB64 } from '@permis/sdk/encoding';
import { type FieldError, ValidationError } from '../domain/errors.js';
import type { PublicJwk, PublicJwks } from '../domain/service.js';

/** Most keys one service may publish (current + next + a few retiring). */
export const MAX_SERVICE_KEYS = 10;

// Private key members: RFC 7518 §6.2.2 (EC d), §6.3.2 (RSA d, p, q, dp, dq, qi, oth),
// §6.4.1 (oct k), RFC 8037 §2 (OKP d).
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const ALLOWED_MEMBERS = new Set(['kty', 'kid', 'use', 'alg', 'key_ops', 'crv', 'x', 'y', 'n', 'e']);
const B64URL = /^[A-Za-z0-9_-]+$/;

// RFC 7518 §3.1 and RFC 8037 §3.1: the signature algorithms each key type may carry.
const EC_ALG: Record<string, string> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const OKP_ALGS = ['EdDSA', 'Ed25519'];
const MIN_RSA_BITS = 2048;

/**
 * Checks that `input` is a JWK Set (RFC 7517 §5) of public signature keys: `{ "keys": [...] }`,
 * at most MAX_SERVICE_KEYS, each with a unique `kid`, `kty` OKP (Ed25519), EC (P-256/384/521)
 * or RSA (≥ 2048 bits), no private members, `use` "sig" if present, and importable. Returns
 * a copy holding only the public members; throws ValidationError naming fields under `field`.
 * `undefined` yields an empty set.
 */
export async function parsePublicJwks(input: unknown, field = 'jwks'): Promise<PublicJwks> {
  if (input === undefined) return { keys: [] };
  const fail = (errors: FieldError[]): never => {
    throw new ValidationError(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  };
  if (!isObject(input)) return fail([{ field, message: 'must be a JWK Set: an object {"keys": [...]}' }]);
  const extra = Object.keys(input).filter((k) => k !== 'keys');
  if (extra.length) return fail([{ field, message: `unknown member(s) ${extra.join(', ')}; a JWK Set here has only "keys"` }]);
  const keys = input.keys;
  if (!Array.isArray(keys)) return fail([{ field: `${field}.keys`, message: 'must be an array of JWKs' }]);
  if (keys.length > MAX_SERVICE_KEYS) return fail([{ field: `${field}.keys`, message: `must hold at most ${MAX_SERVICE_KEYS} keys` }]);

  const errors: FieldError[] = [];
  const out: PublicJwk[] = [];
  const kids = new Set<string>();
  for (const [i, raw] of keys.entries()) {
    const at = `${field}.keys.${i}`;
    const problem = checkKey(raw);
    if (problem) {
      errors.push({ field: at, message: problem });
      continue;
    }
    const jwk = pick(raw as Record<string, unknown>);
    if (kids.has(jwk.kid)) {
      errors.push({ field: `${at}.kid`, message: `duplicate kid "${jwk.kid}"` });
      continue;
    }
    kids.add(jwk.kid);
    try {
      await importJWK({ ...jwk }, jwk.alg ?? defaultAlg(jwk));
    } catch {
      errors.push({ field: at, message: 'is not a valid public key (the key material does not import)' });
      continue;
    }
    out.push(jwk);
  }
  if (errors.length) fail(errors);
  return { keys: out };
}

/** The reason `raw` is not an acceptable public JWK, or undefined when it is (before import). */
function checkKey(raw: unknown): string | undefined {
  if (!isObject(raw)) return 'must be a JWK object';
  const priv = PRIVATE_MEMBERS.filter((m) => m in raw);
  if (priv.length) return `contains private key member(s) ${priv.map((m) => `"${m}"`).join(', ')}: publish only the public key`;
  const unknown = Object.keys(raw).filter((k) => !ALLOWED_MEMBERS.has(k));
  if (unknown.length) return `unsupported member(s) ${unknown.join(', ')}`;
  const { kty, kid, use, alg, key_ops: ops, crv } = raw;
  if (typeof kid !== 'string' || kid.length < 1 || kid.length > 128 || !/^[\x21-\x7e]+$/.test(kid)) {
    return '"kid" is required: 1 to 128 printable ASCII characters';
  }
  if (use !== undefined && use !== 'sig') return '"use" must be "sig"';
  if (ops !== undefined && !(Array.isArray(ops) && ops.every((o) => o === 'verify'))) return '"key_ops" may only contain "verify"';
  if (alg !== undefined && typeof alg !== 'string') return '"alg" must be a string';
  const b64 = (name: string, v: unknown): string | undefined =>
    typeof v === 'string' && v.length > 0 && v.length <= 2048 && B64URL.test(v) ? undefined : `"${name}" must be base64url`;
  switch (kty) {
    case 'OKP':
      if (crv !== 'Ed25519') return '"crv" must be "Ed25519" for an OKP signing key';
      if (alg !== undefined && !OKP_ALGS.includes(alg as string)) return `"alg" must be one of ${OKP_ALGS.join(', ')}`;
      if ('y' in raw || 'n' in raw || 'e' in raw) return 'an OKP key has only "crv" and "x"';
      return b64('x', raw.x);
    case 'EC':
      if (typeof crv !== 'string' || !EC_ALG[crv]) return '"crv" must be P-256, P-384 or P-521';
      if (alg !== undefined && alg !== EC_ALG[crv]) return `"alg" must be ${EC_ALG[crv]} for ${crv}`;
      if ('n' in raw || 'e' in raw) return 'an EC key has only "crv", "x" and "y"';
      return b64('x', raw.x) ?? b64('y', raw.y);
    case 'RSA': {
      if (crv !== undefined || 'x' in raw || 'y' in raw) return 'an RSA key has only "n" and "e"';
      if (alg !== undefined && !RSA_ALGS.includes(alg as string)) return `"alg" must be one of ${RSA_ALGS.join(', ')}`;
      const bad = b64('n', raw.n) ?? b64('e', raw.e);
      if (bad) return bad;
      const bits = modulusBits(raw.n as string);
      return bits < MIN_RSA_BITS ? `RSA keys must have at least ${MIN_RSA_BITS} bits (this one has ${bits})` : undefined;
    }
    default:
      return '"kty" must be "OKP", "EC" or "RSA"';
  }
}

function modulusBits(n: string): number {
  const bytes = fromB64(n);
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i) * 8 - Math.clz32(bytes[i]!) + 24;
}

function pick(raw: Record<string, unknown>): PublicJwk {
  const out: Record<string, unknown> = {};
  for (const k of ALLOWED_MEMBERS) if (raw[k] !== undefined) out[k] = raw[k];
  return out as unknown as PublicJwk;
}

function defaultAlg(jwk: PublicJwk): string {
  if (jwk.kty === 'OKP') return 'EdDSA';
  if (jwk.kty === 'EC') return EC_ALG[jwk.crv!]!;
  return 'RS256';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
