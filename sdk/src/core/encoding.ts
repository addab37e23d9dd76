/** Byte and text encodings on web-standard APIs only (no Buffer), for Node, browsers and Workers. */

const encoder = new TextEncoder();

/** UTF-8 bytes of `s`. */
export const utf8 = (s: string): Uint8Array => encoder.encode(s);

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const ascii = new TextDecoder();
const codes = (alphabet: string) => Uint8Array.from(alphabet, (c) => c.charCodeAt(0));
const B64_CODES = codes(B64);
const B64URL_CODES = codes(B64URL);
const PAD = 61; // '='

/**
 * RFC 4648 §4/§5 encoding with `alphabet` (as character codes), padded or not. By table into
 * one buffer, decoded to a string once: the log encodes millions of digests, and a string
 * built by concatenation leaves a garbage string per character.
 */
function base64(bytes: Uint8Array, alphabet: Uint8Array, pad: boolean): string {
  const rest = bytes.length % 3;
  const out = new Uint8Array(Math.floor(bytes.length / 3) * 4 + (rest === 0 ? 0 : pad ? 4 : rest + 1));
  let i = 0;
  let o = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = alphabet[n >> 18]!;
    out[o++] = alphabet[(n >> 12) & 63]!;
    out[o++] = alphabet[(n >> 6) & 63]!;
    out[o++] = alphabet[n & 63]!;
  }
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out[o++] = alphabet[n >> 18]!;
    out[o++] = alphabet[(n >> 12) & 63]!;
    if (pad) out.fill(PAD, o);
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out[o++] = alphabet[n >> 18]!;
    out[o++] = alphabet[(n >> 12) & 63]!;
    out[o++] = alphabet[(n >> 6) & 63]!;
    if (pad) out[o] = PAD;
  }
  return ascii.decode(out);
}

/** Base64url without padding (RFC 4648 §5). */
export function b64url(bytes: Uint8Array): string {
  return base64(bytes, B64URL_CODES, false);
}

/** Standard base64 with padding (RFC 4648 §4). */
export function b64(bytes: Uint8Array): string {
  return base64(bytes, B64_CODES, true);
}

/** Decodes base64 or base64url (padding optional); throws on invalid input. */
export function fromB64(s: string): Uint8Array {
  const norm = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(norm + '='.repeat((4 - (norm.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Strict standard base64 (RFC 4648 §4, padded, canonical); undefined when `s` is not. */
export function strictB64(s: string): Uint8Array | undefined {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  try {
    const bytes = fromB64(s);
    return b64(bytes) === s ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/** Strict base64url without padding (RFC 4648 §5, canonical); undefined when `s` is not. */
export function strictB64url(s: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return undefined;
  try {
    const bytes = fromB64(s);
    return b64url(bytes) === s ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/** SHA-256 digest of `data` (WebCrypto). */
export async function sha256(data: Uint8Array | string): Promise<Uint8Array> {
  const bytes = typeof data === 'string' ? utf8(data) : data;
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
}

/** Lowercase hex of `bytes`. */
export const toHex = (bytes: Uint8Array): string => Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join('');

/** Concatenation of byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** True when `a` and `b` hold the same bytes (not constant-time: use for public values only). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
