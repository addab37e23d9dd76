/**
 * A city service as tests drive it: registered through the real registry with freshly
 * generated key pairs in its JWKS, authenticating at the real token endpoint with a real
 * `private_key_jwt` client assertion (RFC 7523) signed by jose. Nothing is mocked.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import type { Clock } from '../../src/domain/runtime.js';
import type { Service } from '../../src/domain/service.js';
import type { ServiceScope } from '../../src/domain/service-scopes.js';
import { createService } from '../../src/services/create-service.js';
import type { RequestTarget } from './citizen.js';
import { seedTestCatalogue } from './fixtures.js';
import type { TestContext } from './harness.js';

/** The path of the token endpoint. */
export const TOKEN_PATH = '/v1/oauth/token';
/** RFC 7523 §2.2 client assertion type. */
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** One of the service's key pairs; the public half is in its registered JWKS. */
export interface ServiceKey {
  kid: string;
  alg: 'EdDSA' | 'ES256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** A registered service that can get tokens. */
export interface TestService {
  service: Service;
  /** The service's id (the `sub` of its access tokens). */
  id: string;
  clientId: string;
  /** keys[0] is Ed25519 (EdDSA); keys[1] is P-256 (ES256) when asked for. */
  keys: ServiceKey[];
  /** Scopes getServiceToken asks for by default; undefined = send no scope (= all scopes). */
  scopes: ServiceScope[] | undefined;
  /** `aud` of its assertions: the token endpoint URL. */
  tokenUrl: string;
  /** The issuer (public URL), also an accepted `aud`. */
  issuer: string;
  /** The test clock the assertions are dated with. */
  clock: Clock;
}

/** A fresh key pair of `alg` with a random kid, as the service would generate it. */
export async function generateServiceKey(alg: 'EdDSA' | 'ES256' = 'EdDSA'): Promise<ServiceKey> {
  const pair = alg === 'EdDSA' ? await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true }) : await generateKeyPair('ES256', { extractable: true });
  const kid = `${alg.toLowerCase()}-${randomBytes(6).toString('hex')}`;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey: pair.privateKey, publicJwk };
}

/**
 * Registers a service with `createService` (the registry the CLI uses) whose JWKS holds a
 * new Ed25519 key, plus a P-256 key when `es256` is set. Purposes and categories default to
 * the test catalogue (`seedTestCatalogue`, seeded here); `scopes` become getServiceToken's default.
 */
export async function createServiceWithKey(
  t: TestContext,
  opts: {
    scopes?: ServiceScope[];
    purposes?: string[];
    categories?: string[];
    processing?: string[];
    clientId?: string;
    es256?: boolean;
  } = {},
): Promise<TestService> {
  await seedTestCatalogue(t.db);
  const keys = [await generateServiceKey('EdDSA')];
  if (opts.es256) keys.push(await generateServiceKey('ES256'));
  const service = await createService(
    t.db,
    {
      clientId: opts.clientId ?? `svc-${randomBytes(5).toString('hex')}`,
      name: { ca: 'Servei de prova', es: 'Servicio de prueba', en: 'Test service' },
      description: { ca: 'Un servei de prova', es: 'Un servicio de prueba', en: 'A test service' },
      controller: { name: 'Ajuntament de Barcelona', dpoContact: 'dpd@example.cat', policyUrl: 'https://example.cat/privacy' },
      purposes: opts.purposes ?? ['t-benefits', 't-research', 't-short'],
      categories: opts.categories ?? ['t-address', 't-income', 't-health'],
      processing: opts.processing ?? ['t-use', 't-share'],
      jwks: { keys: keys.map((k) => k.publicJwk) },
    },
    { clock: t.clock, random: t.deps.random, actor: { type: 'admin', id: 'test' } },
  );
  return {
    service,
    id: service.id,
    clientId: service.clientId,
    keys,
    scopes: opts.scopes,
    tokenUrl: `${t.config.publicUrl}${TOKEN_PATH}`,
    issuer: t.config.publicUrl,
    clock: t.clock,
  };
}

/** How to build an assertion; by default a valid one signed with keys[0]. */
export interface AssertionOptions {
  /** Which key signs (default keys[0]). */
  key?: ServiceKey;
  /** Claims merged over the defaults; a claim set to `undefined` is left out. */
  claims?: Record<string, unknown>;
  /** Header members merged over `{ alg, kid }`; a member set to `undefined` is left out. */
  header?: Record<string, unknown>;
}

/**
 * A `private_key_jwt` client assertion (RFC 7523 §3): `iss` = `sub` = the client id, `aud` =
 * the token endpoint URL, `iat` now, `exp` in 60 s, a random `jti`, signed with jose.
 */
export async function signClientAssertion(svc: TestService, opts: AssertionOptions = {}): Promise<string> {
  const key = opts.key ?? svc.keys[0]!;
  const now = Math.floor(svc.clock.now().getTime() / 1000);
  const claims = drop({ iss: svc.clientId, sub: svc.clientId, aud: svc.tokenUrl, iat: now, exp: now + 60, jti: randomUUID(), ...opts.claims });
  const header = drop({ alg: key.alg, kid: key.kid, ...opts.header }) as { alg: string };
  return new SignJWT(claims as JWTPayload).setProtectedHeader(header).sign(key.privateKey);
}

/** The form body of a client credentials request with `assertion`, plus `extra` parameters. */
export function tokenForm(assertion: string, extra: Record<string, string> = {}): string {
  return new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion, ...extra }).toString();
}

/** POSTs a form body to the token endpoint. */
export function postTokenForm(app: RequestTarget, body: string): Promise<Response> {
  return Promise.resolve(app.request(TOKEN_PATH, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }));
}

/** Calls the token endpoint with a fresh valid assertion (or `assertion`) and returns the raw response. */
export async function requestServiceToken(
  app: RequestTarget,
  svc: TestService,
  opts: { scope?: string; assertion?: string } & AssertionOptions = {},
): Promise<Response> {
  const assertion = opts.assertion ?? (await signClientAssertion(svc, opts));
  const scope = opts.scope ?? svc.scopes?.join(' ');
  return postTokenForm(app, tokenForm(assertion, scope === undefined ? {} : { scope }));
}

/**
 * Gets an access token for `svc` from the token endpoint (scope: `opts.scope`, else the
 * service's default scopes, else all). Throws when the endpoint refuses.
 */
export async function getServiceToken(app: RequestTarget, svc: TestService, opts: { scope?: string; key?: ServiceKey } = {}): Promise<string> {
  const res = await requestServiceToken(app, svc, opts);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`the token endpoint answered ${res.status}: ${text}`);
  return (JSON.parse(text) as { access_token: string }).access_token;
}

/** Headers carrying a service access token (plus the JSON content type). */
export const serviceBearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

function drop(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
