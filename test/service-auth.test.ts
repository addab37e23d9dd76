/**
 * The service-token middleware: RFC 9068 access tokens on API routes (RFC 6750 bearer
 * usage), the verified-claims cache, scopes, and suspension taking effect at once. Routes
 * of the real app are mounted for the test; tokens come from the real token endpoint.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../src/crypto/sign-jwt.js';
import { b64url, utf8 } from '@permis/sdk/encoding';
import { SERVICE_SCOPES } from '../src/domain/service-scopes.js';
import { activeServiceCondition, isServiceActive, serviceAuth, serviceSecurity } from '../src/http/middleware/service-auth.js';
import { TokenCache } from '../src/http/middleware/token-cache.js';
import { setServiceStatus } from '../src/services/set-service-status.js';
import { signUpCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { expectProblem } from './support/expect-problem.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { createServiceWithKey, getServiceToken, serviceBearer, type TestService } from './support/service-client.js';

let t: TestContext;
let svc: TestService;
let other: TestService;

const CHECK = '/v1/test-only/check-scope';
const REVOKE = '/v1/test-only/revoke-scope';

beforeAll(async () => {
  t = await createTestContext();
  // Mounted before the first request (Hono builds its router on first use).
  t.api.get(CHECK, serviceAuth(t.deps, { scope: 'consents:check' }), (c) => c.json(c.get('service')));
  t.api.get(REVOKE, serviceAuth(t.deps, { scope: 'consents:revoke' }), (c) => c.json(c.get('service')));
  svc = await createServiceWithKey(t, { es256: true });
  other = await createServiceWithKey(t, { scopes: ['consents:check'] });
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t?.close();
});

const admin = () => ({ clock: t.clock, random: t.deps.random, actor: { type: 'admin' as const, id: 'test' } });
const call = (path: string, token: string) => t.app.request(path, { headers: serviceBearer(token) });
const now = () => Math.floor(t.clock.now().getTime() / 1000);
const segment = (o: unknown) => b64url(utf8(JSON.stringify(o)));

/** Valid access-token claims for `s`, with `overrides`. */
const claimsFor = (s: TestService, overrides: Record<string, unknown> = {}) => ({
  iss: t.config.publicUrl,
  aud: `${t.config.publicUrl}/v1`,
  sub: s.id,
  client_id: s.clientId,
  iat: now(),
  exp: now() + 300,
  jti: randomUUID(),
  scope: SERVICE_SCOPES.join(' '),
  ...overrides,
});

/** Asserts a 401 `unauthenticated` problem with the RFC 6750 invalid_token challenge. */
async function expectInvalidToken(res: Response): Promise<void> {
  const challenge = res.headers.get('www-authenticate');
  await expectProblem(res, 401, 'unauthenticated');
  expect(challenge).toBe('Bearer realm="permis", error="invalid_token"');
}

describe(`serviceAuth: admitting tokens (${ENGINE})`, () => {
  it('admits a token from the token endpoint and sets the service principal', async () => {
    const token = await getServiceToken(t.app, svc);
    const res = await call(CHECK, token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ serviceId: svc.id, clientId: svc.clientId, scopes: [...SERVICE_SCOPES] });
    // The same token again (now from the cache) and a token got with the ES256 client key.
    expect((await call(CHECK, token)).status).toBe(200);
    expect((await call(REVOKE, await getServiceToken(t.app, svc, { key: svc.keys[1] }))).status).toBe(200);
  });

  it('enforces the scope with 403 insufficient_scope and the RFC 6750 challenge', async () => {
    const token = await getServiceToken(t.app, other); // consents:check only
    expect((await call(CHECK, token)).status).toBe(200);
    const res = await call(REVOKE, token);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="permis", error="insufficient_scope", scope="consents:revoke"');
    const body = await expectProblem(res, 403, 'insufficient_scope');
    expect(body.requiredScope).toBe('consents:revoke');
    const narrow = await getServiceToken(t.app, svc, { scope: 'consents:read webhooks' });
    await expectProblem(await call(CHECK, narrow), 403, 'insufficient_scope');
  });

  it('declares the OpenAPI security requirement for a scope', () => {
    expect(serviceSecurity('consents:check')).toEqual([{ serviceToken: ['consents:check'] }]);
  });
});

describe(`serviceAuth: refusing tokens (${ENGINE})`, () => {
  it('asks for credentials without an error code when none were sent (RFC 6750 §3.1)', async () => {
    const res = await t.app.request(CHECK);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="permis"');
    await expectProblem(res, 401, 'unauthenticated');
  });

  it('refuses another scheme, a malformed header and a citizen session token', async () => {
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', `Bearer ${'x'.repeat(5000)}`]) {
      await expectInvalidToken(await t.app.request(CHECK, { headers: { authorization } }));
    }
    const citizen = await signUpCitizen(t.app, t.config);
    await expectInvalidToken(await call(CHECK, citizen.token));
  });

  it('refuses a tampered token', async () => {
    const token = await getServiceToken(t.app, other);
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    await expectInvalidToken(await call(REVOKE, `${h}.${segment({ ...claims, scope: SERVICE_SCOPES.join(' ') })}.${s}`));
    await expectInvalidToken(await call(CHECK, `${h}.${p}.${s!.slice(0, -4)}AAAA`));
    await expectInvalidToken(await call(CHECK, `${segment({ alg: 'EdDSA', typ: 'at+jwt', kid: 'other' })}.${p}.${s}`));
  });

  it('refuses an expired token, even one it has cached', async () => {
    const token = await getServiceToken(t.app, svc);
    expect((await call(CHECK, token)).status).toBe(200);
    t.clock.advance(299_000);
    expect((await call(CHECK, token)).status).toBe(200);
    t.clock.advance(1_000);
    const res = await call(CHECK, token);
    expect((await res.clone().json()).detail).toMatch(/expired/);
    await expectInvalidToken(res);
  });

  it('refuses a token with another typ, even signed with the token key (RFC 9068 §4)', async () => {
    for (const typ of ['JWT', 'consent-receipt+jwt', 'jwt+at']) {
      const { jws } = await signJwt(t.deps.keys, 'token', { typ, claims: claimsFor(svc) });
      await expectInvalidToken(await call(CHECK, jws));
    }
    const control = await signJwt(t.deps.keys, 'token', { typ: 'at+jwt', claims: claimsFor(svc) });
    expect((await call(CHECK, control.jws)).status).toBe(200);
    const { jws } = await signJwt(t.deps.keys, 'token', { typ: 'application/at+jwt', claims: claimsFor(svc) });
    expect((await call(CHECK, jws)).status).toBe(200);
  });

  it('refuses alg none, crafted by hand', async () => {
    const { kid } = await t.deps.keys.active('token');
    for (const alg of ['none', 'None']) {
      await expectInvalidToken(await call(CHECK, `${segment({ alg, typ: 'at+jwt', kid })}.${segment(claimsFor(svc))}.`));
    }
  });

  it('refuses HS256 keyed with the published token key', async () => {
    const { kid, publicJwk } = await t.deps.keys.active('token');
    for (const secret of [utf8(JSON.stringify(publicJwk)), utf8(publicJwk.x!), new Uint8Array(Buffer.from(publicJwk.x!, 'base64url'))]) {
      const forged = await new SignJWT(claimsFor(svc)).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid }).sign(secret);
      await expectInvalidToken(await call(CHECK, forged));
    }
  });

  it('refuses a token signed by another key: a foreign key under our kid, or our receipt key', async () => {
    const { kid } = await t.deps.keys.active('token');
    const foreign = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forged = await new SignJWT(claimsFor(svc)).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid }).sign(foreign.privateKey);
    await expectInvalidToken(await call(CHECK, forged));
    const unknownKid = await new SignJWT(claimsFor(svc)).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'nope' }).sign(foreign.privateKey);
    await expectInvalidToken(await call(CHECK, unknownKid));
    const jwk = await exportJWK(foreign.publicKey);
    const embedded = await new SignJWT(claimsFor(svc)).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', jwk }).sign(foreign.privateKey);
    await expectInvalidToken(await call(CHECK, embedded));
    // The receipt key is ours and published, but it never signs access tokens.
    const { jws } = await signJwt(t.deps.keys, 'receipt', { typ: 'at+jwt', claims: claimsFor(svc) });
    await expectInvalidToken(await call(CHECK, jws));
  });

  it('refuses a token for another issuer or audience, or missing required claims', async () => {
    const bad = [
      { iss: 'https://evil.example' },
      { aud: t.config.publicUrl },
      { aud: 'https://evil.example/v1' },
      { client_id: undefined },
      { sub: undefined },
      { jti: undefined },
      { scope: undefined },
      { exp: undefined },
      { iat: undefined },
    ];
    for (const overrides of bad) {
      const claims = Object.fromEntries(Object.entries(claimsFor(svc, overrides)).filter(([, v]) => v !== undefined));
      const { jws } = await signJwt(t.deps.keys, 'token', { typ: 'at+jwt', claims });
      await expectInvalidToken(await call(CHECK, jws));
    }
  });

  it('refuses a well-signed token whose service does not exist', async () => {
    const { jws } = await signJwt(t.deps.keys, 'token', { typ: 'at+jwt', claims: claimsFor(svc, { sub: randomUUID() }) });
    await expectInvalidToken(await call(CHECK, jws));
  });
});

describe(`serviceAuth: suspension (${ENGINE})`, () => {
  it("stops a suspended service's already issued tokens at once, and resumes them on reactivation", async () => {
    const s = await createServiceWithKey(t);
    const token = await getServiceToken(t.app, s);
    expect((await call(CHECK, token)).status).toBe(200); // verified and cached
    await setServiceStatus(t.db, s.id, 'suspended', admin());
    const res = await call(CHECK, token);
    expect((await res.clone().json()).detail).toMatch(/suspended/);
    await expectInvalidToken(res);
    expect(await isServiceActive(t.db, s.id)).toBe(false);
    // Other services are unaffected.
    expect((await call(CHECK, await getServiceToken(t.app, svc))).status).toBe(200);
    await setServiceStatus(t.db, s.id, 'active', admin());
    expect((await call(CHECK, token)).status).toBe(200);
  });

  it('offers the status check as a SQL condition for routes that fold it into their own query', async () => {
    const s = await createServiceWithKey(t);
    const q = async (id: string) => (await t.db.query<{ ok: boolean }>(`select ${activeServiceCondition('$1')} as ok`, [id]))[0]!.ok;
    expect(await q(s.id)).toBe(true);
    await setServiceStatus(t.db, s.id, 'suspended', admin());
    expect(await q(s.id)).toBe(false);
    expect(await q(randomUUID())).toBe(false);
    expect(await isServiceActive(t.db, 'not-a-uuid')).toBe(false);
  });
});

describe('TokenCache', () => {
  it('returns entries until their exp and evicts the least recently used', () => {
    const cache = new TokenCache<{ exp: number; n: number }>(2);
    cache.set('a', { exp: 100, n: 1 });
    cache.set('b', { exp: 100, n: 2 });
    expect(cache.get('a', 99_000)?.n).toBe(1); // a is now the most recent
    cache.set('c', { exp: 100, n: 3 }); // evicts b
    expect(cache.get('b', 99_000)).toBeUndefined();
    expect(cache.get('a', 99_000)?.n).toBe(1);
    expect(cache.get('c', 99_000)?.n).toBe(3);
    expect(cache.size).toBe(2);
    expect(cache.get('a', 100_000)).toBeUndefined(); // exp reached: dropped
    expect(cache.size).toBe(1);
  });
});
