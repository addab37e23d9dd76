/** `/.well-known/jwks.json`: what it publishes, and that signed JWTs verify with it alone. Both engines. */
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type KeyRing } from '../src/crypto/key-ring.js';
import { openKeyRing } from '../src/keys/open-key-ring.js';
import { rotateKey } from '../src/keys/rotate-key.js';
import { signJwt } from '../src/crypto/sign-jwt.js';
import { systemRandom } from '../src/domain/runtime.js';
import { createApp } from '../src/entry/app.js';
import type { AppConfig, AppDeps } from '../src/core/deps.js';
import { type TestClock, testClock } from './support/clock.js';
import { createTestDatabase, ENGINE, type TestDatabase } from './support/database.js';
import { testConfig } from './support/harness.js';

// Built here rather than with createTestContext: rotation needs the key-encryption key.
interface Ctx {
  app: ReturnType<typeof createApp>;
  database: TestDatabase;
  keys: KeyRing;
  kek: Uint8Array;
  clock: TestClock;
  config: AppConfig;
  logged: { level: string; msg: string }[];
}
let ctx: Ctx;
beforeEach(async () => {
  const database = await createTestDatabase();
  const clock = testClock();
  const kek = systemRandom.bytes(32);
  const keys = await openKeyRing(database.db, { kek, clock, random: systemRandom });
  const config = testConfig();
  const logged: Ctx['logged'] = [];
  const deps: AppDeps = { db: database.db, keys, clock, random: systemRandom, config, log: (level, msg) => void logged.push({ level, msg }) };
  ctx = { app: createApp(deps), database, keys, kek, clock, config, logged };
});
afterEach(async () => {
  expect(ctx.logged.filter((l) => l.level === 'error')).toEqual([]);
  await ctx.database.drop();
});

async function fetchJwks(): Promise<{ res: Response; body: JSONWebKeySet }> {
  const res = await ctx.app.request('/.well-known/jwks.json');
  expect(res.status).toBe(200);
  return { res, body: (await res.json()) as JSONWebKeySet };
}

/** Verifies `jws` with nothing but the JWK Set the API publishes. */
async function verifyWithPublished(jws: string, typ: string) {
  const { body } = await fetchJwks();
  return jwtVerify(jws, createLocalJWKSet(body), { typ, algorithms: ['EdDSA'] });
}

describe(`GET /.well-known/jwks.json (${ENGINE})`, () => {
  it('publishes one public Ed25519 key per use, cacheable, with no private members', async () => {
    const { res, body } = await fetchJwks();
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(body.keys).toHaveLength(3);
    for (const k of body.keys) {
      expect(Object.keys(k).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
      expect(k).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    }
    expect(JSON.stringify(body)).not.toMatch(/"d"|"p"|"q"|"k"/);
    const kids = new Set(body.keys.map((k) => k.kid));
    for (const use of ['receipt', 'token', 'checkpoint'] as const) expect(kids.has((await ctx.keys.active(use)).kid)).toBe(true);
  });

  it('a JWT signed by signJwt verifies with only the published JWKS', async () => {
    const { jws, kid } = await signJwt(ctx.keys, 'receipt', {
      typ: 'consent-receipt+jwt',
      claims: { iss: ctx.config.publicUrl, jti: 'r-1', consentId: 'c-1' },
    });
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'EdDSA', typ: 'consent-receipt+jwt', kid });
    const { payload } = await verifyWithPublished(jws, 'consent-receipt+jwt');
    expect(payload).toEqual({ iss: ctx.config.publicUrl, jti: 'r-1', consentId: 'c-1' });

    // A tampered payload fails against the same JWKS.
    const [h, p, s] = jws.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, consentId: 'c-2' })).toString('base64url')}.${s}`;
    expect(p).not.toBe(forged.split('.')[1]);
    await expect(verifyWithPublished(forged, 'consent-receipt+jwt')).rejects.toThrow();
  });

  it('keeps retired keys published after a rotation; new JWTs use the new kid', async () => {
    const old = await signJwt(ctx.keys, 'receipt', { typ: 'consent-receipt+jwt', claims: { n: 'old' } });
    const { kid: rotated } = await rotateKey(ctx.database.db, 'receipt', { kek: ctx.kek, clock: ctx.clock }); // as the CLI would
    ctx.clock.advance(6_000); // past the ring's refresh interval

    const { body } = await fetchJwks();
    expect(body.keys).toHaveLength(4);
    expect(body.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([old.kid, rotated]));

    const fresh = await signJwt(ctx.keys, 'receipt', { typ: 'consent-receipt+jwt', claims: { n: 'new' } });
    expect(fresh.kid).toBe(rotated);
    expect((await verifyWithPublished(fresh.jws, 'consent-receipt+jwt')).payload.n).toBe('new');
    expect((await verifyWithPublished(old.jws, 'consent-receipt+jwt')).payload.n).toBe('old');
  });

  it('answers other methods with a 405 problem and is in the OpenAPI document', async () => {
    const res = await ctx.app.request('/.well-known/jwks.json', { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const doc = (await (await ctx.app.request('/openapi.json')).json()) as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(doc.paths['/.well-known/jwks.json']).toBeDefined();
    expect(doc.components.schemas.JwkSet).toBeDefined();
  });
});
