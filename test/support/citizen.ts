/**
 * Drives the real passkey ceremonies through `app.request()` with the software
 * authenticator: nothing is mocked, so a test that uses these helpers exercises the whole
 * sign-up / sign-in path.
 */
import type { AppConfig } from '../../src/http/deps.js';
import { createSoftAuthenticator, type SoftAlg, type SoftAuthenticator } from '../../src/devtools/soft-authenticator.js';

/** Anything that answers `request()` like a Hono app. */
export interface RequestTarget {
  request(input: string, init?: RequestInit): Response | Promise<Response>;
}

/** A signed-in citizen. */
export interface SignedInCitizen {
  token: string;
  citizenId: string;
  authenticator: SoftAuthenticator;
}

/** Headers carrying the session token as a Bearer token (plus JSON content type). */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

async function post(app: RequestTarget, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Record<string, any>> {
  const res = await app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as Record<string, any>;
}

/**
 * Signs a new citizen up with a fresh soft authenticator (ES256 unless `alg` says otherwise)
 * and returns the session token, the citizen id and the authenticator for later sign-ins.
 */
export async function signUpCitizen(
  app: RequestTarget,
  config: Pick<AppConfig, 'publicUrl' | 'rpId'>,
  opts: { alg?: SoftAlg; displayName?: string; authenticator?: SoftAuthenticator } = {},
): Promise<SignedInCitizen> {
  const authenticator =
    opts.authenticator ?? createSoftAuthenticator({ alg: opts.alg ?? 'ES256', origin: new URL(config.publicUrl).origin, rpId: config.rpId });
  const started = await post(app, '/v1/auth/signup/options', { displayName: opts.displayName ?? 'Test Citizen' });
  const response = await authenticator.register(started.options as never);
  const done = await post(app, '/v1/auth/signup/verify', { ceremonyId: started.ceremonyId, response });
  return { token: done.session.token as string, citizenId: done.citizen.id as string, authenticator };
}

/** Signs in again with the authenticator's passkey; returns a new session token. */
export async function signInCitizen(app: RequestTarget, authenticator: SoftAuthenticator): Promise<SignedInCitizen> {
  const started = await post(app, '/v1/auth/signin/options', {});
  const response = await authenticator.authenticate(started.options as never);
  const done = await post(app, '/v1/auth/signin/verify', { ceremonyId: started.ceremonyId, response });
  return { token: done.session.token as string, citizenId: done.citizen.id as string, authenticator };
}
