/**
 * Gets a real access token for the measured service from the bench server's token endpoint:
 * OAuth 2.0 client credentials with a `private_key_jwt` assertion (RFC 7523 §2.2) signed by
 * the service's Ed25519 key with jose, exactly as a city service would.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { BenchKey } from './seed.js';

/** POSTs a fresh client assertion to `${origin}/v1/oauth/token`; returns the access token. */
export async function fetchAccessToken(origin: string, publicUrl: string, clientId: string, key: BenchKey, scope: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  // RFC 7523 §3: iss = sub = client id, aud = the token endpoint, a short exp, a fresh jti.
  const assertion = await new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(`${publicUrl}/v1/oauth/token`)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .sign(key.privateKey);
  const res = await fetch(`${origin}/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope,
    }).toString(),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`the token endpoint answered ${res.status}: ${text}`);
  return (JSON.parse(text) as { access_token: string }).access_token;
}
