/**
 * Over-HTTP helpers against any base URL (`fetch` only): JSON requests, citizens with a
 * software passkey bound to the server's origin, and a service's private_key_jwt token.
 */
import { randomUUID } from 'node:crypto';
import { importJWK, type JWK, SignJWT } from 'jose';
import { createSoftAuthenticator, type SoftAuthenticator } from '../../../src/devtools/soft-authenticator.js';

import type { Json } from '../../support/json.js';

export type { Json };

/** An HTTP answer: status, parsed JSON body (or text), headers. */
export interface Answer {
  status: number;
  body: Json;
  text: string;
  headers: Headers;
}

/** Sends a request to `base`; JSON in, JSON (or text) out. */
export async function sendTo(base: string, method: string, path: string, body?: unknown, token?: string): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Json = {};
  try {
    parsed = text ? (JSON.parse(text) as Json) : {};
  } catch {
    /* a text answer */
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

/** `sendTo`, failing unless the status is 2xx; returns the body. */
export async function callAt(base: string, method: string, path: string, body?: unknown, token?: string): Promise<Json> {
  const r = await sendTo(base, method, path, body, token);
  if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path} → ${r.status} ${r.text}`);
  return r.body;
}

/** A citizen with a session and the passkey that made it. */
export interface Citizen {
  token: string;
  id: string;
  authenticator: SoftAuthenticator;
}

/** Signs a new citizen up with a software passkey bound to the target's origin (its PUBLIC_URL). */
export async function signUpAt(base: string, displayName = 'Conformance Citizen'): Promise<Citizen> {
  const authenticator = createSoftAuthenticator({ alg: 'ES256', origin: new URL(base).origin, rpId: new URL(base).hostname });
  const opts = await callAt(base, 'POST', '/v1/auth/signup/options', { displayName });
  const done = await callAt(base, 'POST', '/v1/auth/signup/verify', { ceremonyId: opts.ceremonyId, response: await authenticator.register(opts.options) });
  return { token: done.session.token as string, id: done.citizen.id as string, authenticator };
}

/** Signs in again with the citizen's passkey (discoverable credential); a new session. */
export async function signInAt(base: string, authenticator: SoftAuthenticator): Promise<Citizen> {
  const opts = await callAt(base, 'POST', '/v1/auth/signin/options', {});
  const done = await callAt(base, 'POST', '/v1/auth/signin/verify', { ceremonyId: opts.ceremonyId, response: await authenticator.authenticate(opts.options) });
  return { token: done.session.token as string, id: done.citizen.id as string, authenticator };
}

/** An access token for the registered service: RFC 7523 private_key_jwt client assertion. */
export async function serviceTokenAt(base: string, clientId: string, privateJwk: string): Promise<string> {
  const jwk = JSON.parse(privateJwk) as JWK;
  const tokenUrl = `${base}/v1/oauth/token`;
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid! })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(tokenUrl)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('2m')
    .sign(await importJWK(jwk, 'EdDSA'));
  const res = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }),
  });
  const body = (await res.json()) as Json;
  if (!res.ok) throw new Error(`token endpoint: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token as string;
}

