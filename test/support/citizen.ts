/**
 * Drives the real passkey ceremonies through `app.request()` with the software
 * authenticator: nothing is mocked, so a test that uses these helpers exercises the whole
 * sign-up / sign-in path.
 */
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { AppConfig } from '../../src/core/deps.js';
import { createSoftAuthenticator, type SoftAlg, type SoftAuthenticator } from '../../src/devtools/soft-authenticator.js';

/** Answer of an `options` call that starts a registration. */
export interface CreationCeremony {
  ceremonyId: string;
  options: PublicKeyCredentialCreationOptionsJSON;
}

/** Answer of an `options` call that starts an authentication. */
export interface RequestCeremony {
  ceremonyId: string;
  options: PublicKeyCredentialRequestOptionsJSON;
}

/** Answer of sign-up and sign-in. */
export interface SignedInBody {
  citizen: { id: string; displayName: string; createdAt: string };
  session: { token: string; expiresAt: string };
}

/** A passkey as the API shows it. */
export interface PasskeyBody {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  deviceType: string;
  backedUp: boolean;
  transports: string[];
}

/** A session as the API shows it. */
export interface SessionBody {
  id: string;
  createdAt: string;
  expiresAt: string;
  userAgent: string | null;
  current: boolean;
}

/** The JSON body of `res`, typed by the caller. */
export const bodyOf = async <T>(res: Response): Promise<T> => (await res.json()) as T;

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

async function post<T>(app: RequestTarget, path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
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
  const started = await post<CreationCeremony>(app, '/v1/auth/signup/options', { displayName: opts.displayName ?? 'Test Citizen' });
  const response = await authenticator.register(started.options);
  const done = await post<SignedInBody>(app, '/v1/auth/signup/verify', { ceremonyId: started.ceremonyId, response });
  return { token: done.session.token, citizenId: done.citizen.id, authenticator };
}

/** Signs in again with the authenticator's passkey; returns a new session token. */
export async function signInCitizen(app: RequestTarget, authenticator: SoftAuthenticator): Promise<SignedInCitizen> {
  const started = await post<RequestCeremony>(app, '/v1/auth/signin/options', {});
  const response = await authenticator.authenticate(started.options);
  const done = await post<SignedInBody>(app, '/v1/auth/signin/verify', { ceremonyId: started.ceremonyId, response });
  return { token: done.session.token, citizenId: done.citizen.id, authenticator };
}
