/**
 * Signed tokens in the links of e-mails (confirm an address, unsubscribe from e-mail): who
 * holds the link may do exactly that to exactly that address row, without signing in. A token
 * is `<purpose>.<address id>.<expiry>.<mac>` with an HMAC-SHA-256 (RFC 2104, FIPS 198-1) over
 * the first three parts under a key derived from the key-encryption key. Nothing is stored:
 * replacing the address (a new row id) voids every token made for the old one.
 */
import { b64url, concat, fromB64, utf8 } from '../domain/encoding.js';
import { isUuid } from '../domain/ids.js';

/** What a link lets its holder do. */
export type LinkPurpose = 'confirm' | 'unsubscribe';

const LABEL = utf8('permis e-mail link v1\0');
const TOKEN = /^(confirm|unsubscribe)\.([0-9a-f-]{36})\.(0|[1-9][0-9]{0,11})\.([A-Za-z0-9_-]{43})$/;

async function mac(key: Uint8Array, message: string): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey('raw', key as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, concat(LABEL, utf8(message)) as BufferSource));
}

/** Constant-time comparison of two byte strings. */
function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** A token for `purpose` on the address row `addressId`, valid until `expiresAt` (undefined: no expiry). */
export async function makeLinkToken(key: Uint8Array, purpose: LinkPurpose, addressId: string, expiresAt?: Date): Promise<string> {
  const exp = expiresAt ? Math.floor(expiresAt.getTime() / 1000) : 0;
  const body = `${purpose}.${addressId.toLowerCase()}.${exp}`;
  return `${body}.${b64url(await mac(key, body))}`;
}

/**
 * The address row a token of `purpose` names, if the token is well formed, authentic and not
 * expired at `now`; undefined otherwise (never says which).
 */
export async function readLinkToken(key: Uint8Array, purpose: LinkPurpose, token: string, now: Date): Promise<string | undefined> {
  const m = TOKEN.exec(token);
  if (!m || m[1] !== purpose || !isUuid(m[2]!)) return undefined;
  const exp = Number(m[3]);
  const expected = await mac(key, `${m[1]}.${m[2]}.${m[3]}`);
  if (!same(expected, fromB64(m[4]!))) return undefined;
  if (exp !== 0 && now.getTime() >= exp * 1000) return undefined;
  return m[2];
}
