/**
 * CSRF defence for the portal's forms, in two layers (OWASP CSRF cheat sheet):
 * 1. Fetch metadata and origin: a POST whose `Sec-Fetch-Site` is `cross-site` or
 *    `same-site`, or whose `Origin` is not ours, is refused (`src/web/fetch-metadata.ts`,
 *    the check the API shares).
 * 2. A synchroniser token bound to the session: SHA-256 over a label and the session token.
 *    The session token lives in an HttpOnly cookie, so a page on another site can neither
 *    read it nor compute the form token.
 */
import { b64url, concat, sha256, utf8 } from '@permis/sdk/encoding';

const LABEL = utf8('permis-portal-csrf-v1\0');

/** The CSRF token of the session whose (secret) session token is `sessionToken`. */
export async function csrfTokenFor(sessionToken: string): Promise<string> {
  return b64url(await sha256(concat(LABEL, utf8(sessionToken))));
}

/** True when two tokens are equal, compared in time independent of where they differ. */
export function sameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
