/**
 * Signed tokens in the links of e-mails (confirm an address, unsubscribe from e-mail): who
 * holds the link may do exactly that to exactly that address row, without signing in. A token
 * is a JWT (RFC 7519) MACed with HS256 (RFC 7518 §3.2) under a key derived from the
 * key-encryption key: `sub` the address row, `purpose` what it allows, `exp` when it stops
 * working (none for unsubscribing, which RFC 8058 links must keep doing). Nothing is stored:
 * replacing the address (a new row id) voids every token made for the old one.
 */
import { jwtVerify, SignJWT } from 'jose';
import { isUuid } from '../domain/ids.js';

/** What a link lets its holder do. */
export type LinkPurpose = 'confirm' | 'unsubscribe';

/** The JOSE `typ` of link tokens (RFC 7515 §4.1.9), so no other token of ours passes for one. */
const LINK_TYP = 'permis-link+jwt';

/** A token for `purpose` on the address row `addressId`, valid until `expiresAt` (undefined: no expiry). */
export async function makeLinkToken(key: Uint8Array, purpose: LinkPurpose, addressId: string, expiresAt?: Date): Promise<string> {
  const jwt = new SignJWT({ purpose }).setProtectedHeader({ alg: 'HS256', typ: LINK_TYP }).setSubject(addressId.toLowerCase());
  if (expiresAt) jwt.setExpirationTime(Math.floor(expiresAt.getTime() / 1000));
  return jwt.sign(key);
}

/**
 * The address row a token of `purpose` names, if the token is authentic, of that purpose and
 * not expired at `now`; undefined otherwise (never says which).
 */
export async function readLinkToken(key: Uint8Array, purpose: LinkPurpose, token: string, now: Date): Promise<string | undefined> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], typ: LINK_TYP, currentDate: now, clockTolerance: 0 });
    return payload.purpose === purpose && typeof payload.sub === 'string' && isUuid(payload.sub) ? payload.sub : undefined;
  } catch {
    // A malformed, forged or expired token is simply not a link we made (jose's own error names why).
    return undefined;
  }
}
