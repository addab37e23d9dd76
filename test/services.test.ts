/** The service registry: repository, JWKS validation and public API (the CLI is in services-cli.test.ts). */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePublicJwks } from '../src/crypto/service-jwks.js';
import { b64url } from '@permis/sdk/encoding';
import { ConflictError, PermisError, ValidationError } from '../src/domain/errors.js';
import type { Service } from '../src/domain/service.js';
import { findService, getService, getServiceByClientId, listServices } from '../src/storage/services-repo.js';
import { createService } from '../src/services/create-service.js';
import { type RegistryContext } from '../src/services/registry-context.js';
import { setServiceJwks } from '../src/services/set-service-jwks.js';
import { setServiceStatus } from '../src/services/set-service-status.js';
import { expectProblem } from './support/expect-problem.js';
import { createTestContext, type TestContext } from './support/harness.js';

let ctx: TestContext;
let reg: RegistryContext;
beforeAll(async () => {
  ctx = await createTestContext();
  reg = { clock: ctx.clock, random: ctx.deps.random, actor: { type: 'admin', id: 'cli' } };
});
afterAll(async () => {
  expect(ctx.logged.filter((l) => l.level === 'error')).toEqual([]);
  await ctx?.close();
});

const example = JSON.parse(readFileSync(new URL('../examples/service.example.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const exampleJwks = JSON.parse(readFileSync(new URL('../examples/jwks.example.json', import.meta.url), 'utf8')) as unknown;
let n = 0;
/** The example registration under a fresh client id, with `overrides`. */
const input = (overrides: Record<string, unknown> = {}) => ({ ...example, clientId: `svc-${++n}-${Date.now() % 100000}`, ...overrides });

async function permisError(fn: () => unknown): Promise<PermisError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PermisError);
    return err as PermisError;
  }
  throw new Error('expected a PermisError');
}
const fields = (err: PermisError) => (err as ValidationError).errors.map((e) => e.field);

async function auditOf(serviceId: string) {
  return ctx.db.query<{ type: string; actor_type: string; actor_id: string; data: Record<string, unknown> }>(
    'select type, actor_type, actor_id, data from audit_events where service_id = $1 order by seq',
    [serviceId],
  );
}

describe('registering a service', () => {
  it('stores the example registration with sorted codes, an active status and an audit event', async () => {
    const s = await createService(ctx.db, { ...example, purposes: ['municipal-fee-reductions', 'energy-poverty-support', 'energy-poverty-support'] }, reg);
    expect(s).toMatchObject({
      clientId: 'ajuts-energia',
      status: 'active',
      purposes: ['energy-poverty-support', 'municipal-fee-reductions'],
      processing: ['collect', 'consult', 'match', 'share', 'store'],
      controller: { name: 'Ajuntament de Barcelona' },
      jwks: { keys: [] },
    });
    expect(s.name.ca).toBe("Punts d'Assessorament Energètic");
    expect(s.categories).toEqual([...s.categories].sort());
    expect(s.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(await getService(ctx.db, s.id)).toEqual(s);
    expect(await getServiceByClientId(ctx.db, 'ajuts-energia')).toEqual(s);
    expect(await findService(ctx.db, s.id)).toEqual(s);
    expect(await findService(ctx.db, 'ajuts-energia')).toEqual(s);
    const audit = await auditOf(s.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ type: 'service.registered', actor_type: 'admin', actor_id: 'cli', data: { clientId: 'ajuts-energia' } });
  });

  it('refuses a client id that is taken with a 409 conflict', async () => {
    const err = await permisError(() => createService(ctx.db, example, reg));
    expect(err.code).toBe('conflict');
    expect(err).toBeInstanceOf(ConflictError);
  });

  it('refuses codes that are not in the catalogue, or are of another kind, with term_unknown', async () => {
    const err = await permisError(() =>
      createService(ctx.db, input({ purposes: ['energy-poverty-support', 'health'], categories: ['name', 'shoe-size'], processing: ['sell'] }), reg),
    );
    expect(err.code).toBe('term_unknown');
    expect(err.data.unknown).toEqual({ purposes: ['health'], categories: ['shoe-size'], processing: ['sell'] });
  });

  it('names each invalid field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ clientId: 'Ajuts_Energia' }, 'clientId'],
      [{ clientId: 'a' }, 'clientId'],
      [{ name: { ca: 'Nom', es: 'Nombre' } }, 'name.en'],
      [{ name: { ca: '   ', es: 'Nombre', en: 'Name' } }, 'name.ca'],
      [{ name: { ca: 'x'.repeat(121), es: 'Nombre', en: 'Name' } }, 'name.ca'],
      [{ name: { ca: 'a', es: 'b', en: 'c', fr: 'd' } }, 'name'],
      [{ controller: { ...(example.controller as object), policyUrl: 'http://bcn.cat/privacy' } }, 'controller.policyUrl'],
      [{ controller: { ...(example.controller as object), dpoContact: 'call us' } }, 'controller.dpoContact'],
      [{ controller: { name: 'Ajuntament' } }, 'controller.dpoContact'],
      [{ purposes: [] }, 'purposes'],
      [{ purposes: ['Energy Poverty'] }, 'purposes.0'],
      [{ categories: 'name' }, 'categories'],
      [{ status: 'suspended' }, ''],
    ];
    for (const [overrides, field] of cases) {
      const err = await permisError(() => createService(ctx.db, input(overrides), reg));
      expect(err.code, JSON.stringify(overrides)).toBe('validation_failed');
      if (field) expect(fields(err), JSON.stringify(overrides)).toContain(field);
    }
    expect((await permisError(() => createService(ctx.db, null, reg))).code).toBe('validation_failed');
    expect((await permisError(() => createService(ctx.db, [example], reg))).code).toBe('validation_failed');
  });

  it('accepts https and e-mail DPO contacts', async () => {
    const s = await createService(
      ctx.db,
      input({ controller: { name: 'Institut Municipal d’Informàtica', dpoContact: 'https://bcn.cat/dpd', policyUrl: 'https://bcn.cat/privacitat' } }),
      reg,
    );
    expect(s.controller.dpoContact).toBe('https://bcn.cat/dpd');
  });
});

describe('service JWKS', () => {
  const publicOf = async (alg: string, opts: Record<string, unknown> = {}) => {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...opts });
    return { pub: await exportJWK(publicKey), priv: await exportJWK(privateKey) };
  };

  it('accepts Ed25519, P-256 and RSA-2048 public keys and keeps only their public members', async () => {
    const ed = await publicOf('EdDSA');
    const ec = await publicOf('ES256');
    const rsa = await publicOf('PS256', { modulusLength: 2048 });
    const jwks = await parsePublicJwks({
      keys: [
        { ...ed.pub, kid: 'ed', use: 'sig', alg: 'EdDSA' },
        { ...ec.pub, kid: 'ec', alg: 'ES256', key_ops: ['verify'] },
        { ...rsa.pub, kid: 'rsa', alg: 'PS256' },
      ],
    });
    expect(jwks.keys.map((k) => [k.kid, k.kty])).toEqual([
      ['ed', 'OKP'],
      ['ec', 'EC'],
      ['rsa', 'RSA'],
    ]);
    expect(await parsePublicJwks({ keys: [] })).toEqual({ keys: [] });
    expect(await parsePublicJwks(undefined)).toEqual({ keys: [] });
    expect(await parsePublicJwks(exampleJwks)).toEqual(exampleJwks);
  });

  it('refuses private keys and anything that is not a public signature key', async () => {
    const ed = await publicOf('EdDSA');
    const ec = await publicOf('ES256');
    const rsa = await publicOf('RS256', { modulusLength: 2048 });
    const weak = { pub: generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }) };
    const xBytes = new Uint8Array(32).fill(7);
    const bad: [unknown, RegExp][] = [
      [{ keys: [{ ...ed.priv, kid: 'a' }] }, /private key member\(s\) "d"/],
      [{ keys: [{ ...ec.priv, kid: 'a' }] }, /"d"/],
      [{ keys: [{ ...rsa.priv, kid: 'a' }] }, /"d", "p", "q", "dp", "dq", "qi"/],
      [{ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'a' }] }, /"k"/],
      [{ keys: [{ kty: 'oct', kid: 'a' }] }, /"kty" must be/],
      [{ keys: [ed.pub] }, /"kid" is required/],
      [{ keys: [{ ...ed.pub, kid: '' }] }, /"kid" is required/],
      [{ keys: [{ ...ed.pub, kid: 'a', use: 'enc' }] }, /"use" must be "sig"/],
      [{ keys: [{ ...ed.pub, kid: 'a', key_ops: ['sign'] }] }, /key_ops/],
      [{ keys: [{ ...ed.pub, kid: 'a', alg: 'RS256' }] }, /"alg" must be one of/],
      [{ keys: [{ ...ec.pub, kid: 'a', alg: 'ES384' }] }, /"alg" must be ES256/],
      [{ keys: [{ ...ed.pub, kid: 'a', crv: 'X25519' }] }, /Ed25519/],
      [{ keys: [{ ...ed.pub, kid: 'a', x5u: 'https://evil.example/k' }] }, /unsupported member/],
      [{ keys: [{ ...weak.pub, kid: 'a' }] }, /at least 2048 bits/],
      [{ keys: [{ ...ed.pub, kid: 'a', x: 'not base64!' }] }, /base64url/],
      [{ keys: [{ ...ed.pub, kid: 'a', x: b64url(xBytes.subarray(0, 5)) }] }, /does not import/],
      [{ keys: [{ ...ec.pub, kid: 'a', y: ec.pub.x }] }, /does not import/],
      [{ keys: [{ ...ed.pub, kid: 'a' }, { ...ec.pub, kid: 'a' }] }, /duplicate kid/],
      [{ keys: Array.from({ length: 11 }, (_, i) => ({ ...ed.pub, kid: `k${i}` })) }, /at most 10/],
      [{ keys: {} }, /array/],
      [{ keys: [], extra: 1 }, /unknown member/],
      [[ed.pub], /JWK Set/],
      ['keys', /JWK Set/],
    ];
    for (const [jwks, message] of bad) {
      const err = await permisError(() => parsePublicJwks(jwks));
      expect(err.code, JSON.stringify(jwks).slice(0, 80)).toBe('validation_failed');
      expect(err.message, JSON.stringify(jwks).slice(0, 80)).toMatch(message);
    }
  });

  it('refuses a registration whose JWKS holds a private key, and replaces a JWKS with an audit event', async () => {
    const ed = await publicOf('EdDSA');
    const err = await permisError(() => createService(ctx.db, input({ jwks: { keys: [{ ...ed.priv, kid: 'k1' }] } }), reg));
    expect(fields(err)).toEqual(['jwks.keys.0']);

    const s = await createService(ctx.db, input({ jwks: { keys: [{ ...ed.pub, kid: 'k1' }] } }), reg);
    expect(s.jwks.keys.map((k) => k.kid)).toEqual(['k1']);
    expect(await permisError(() => setServiceJwks(ctx.db, s.clientId, { keys: [{ ...ed.priv, kid: 'k2' }] }, reg))).toBeInstanceOf(ValidationError);
    const updated = await setServiceJwks(ctx.db, s.clientId, exampleJwks, reg);
    expect(updated.jwks).toEqual(exampleJwks);
    expect((await getService(ctx.db, s.id))!.jwks).toEqual(exampleJwks);
    const audit = await auditOf(s.id);
    expect(audit.map((a) => a.type)).toEqual(['service.registered', 'service.jwks_replaced']);
    expect(audit[1]!.data).toMatchObject({ previousKids: ['k1'], kids: ['ajuts-energia-2025-01'] });
    expect((await permisError(() => setServiceJwks(ctx.db, 'no-such-service', { keys: [] }, reg))).code).toBe('not_found');
  });
});

describe('suspending and activating', () => {
  it('changes the status, audits each change, and does nothing when it is already so', async () => {
    const s = await createService(ctx.db, input(), reg);
    const suspended = await setServiceStatus(ctx.db, s.clientId, 'suspended', reg);
    expect(suspended).toMatchObject({ changed: true, service: { status: 'suspended' } });
    expect((await setServiceStatus(ctx.db, s.id, 'suspended', reg)).changed).toBe(false);
    expect((await setServiceStatus(ctx.db, s.id, 'active', reg)).service.status).toBe('active');
    const audit = await auditOf(s.id);
    expect(audit.map((a) => a.type)).toEqual(['service.registered', 'service.suspended', 'service.activated']);
    expect(audit[1]).toMatchObject({ actor_type: 'admin', actor_id: 'cli', data: { from: 'active', to: 'suspended' } });
    expect((await permisError(() => setServiceStatus(ctx.db, 'nobody-here', 'active', reg))).code).toBe('not_found');
    expect((await permisError(() => setServiceStatus(ctx.db, '01890000-0000-7000-8000-000000000000', 'active', reg))).code).toBe('not_found');
  });
});

describe('listing', () => {
  it('pages through services in id order without gaps or repeats, and can leave out suspended ones', async () => {
    const made: Service[] = [];
    for (let i = 0; i < 5; i++) made.push(await createService(ctx.db, input(), reg));
    await setServiceStatus(ctx.db, made[2]!.clientId, 'suspended', reg);

    const collect = async (status?: 'active') => {
      const seen: Service[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await listServices(ctx.db, { limit: 2, cursor, status });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items);
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor && pages < 100);
      return seen;
    };
    const all = await collect();
    const ids = all.map((s) => s.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    const [{ count }] = (await ctx.db.query<{ count: bigint }>('select count(*) as count from services')) as [{ count: bigint }];
    expect(ids.length).toBe(Number(count));

    const active = await collect('active');
    expect(active.every((s) => s.status === 'active')).toBe(true);
    expect(active.map((s) => s.id)).not.toContain(made[2]!.id);
    expect(active.map((s) => s.id)).toEqual(expect.arrayContaining([made[0]!.id, made[4]!.id]));
    expect(all.map((s) => s.id)).toContain(made[2]!.id);
  });

  it('refuses a cursor it did not make', async () => {
    for (const cursor of ['nope', '', b64url(new TextEncoder().encode('not-a-uuid')), 'x'.repeat(500), '%%%']) {
      expect((await permisError(() => listServices(ctx.db, { limit: 5, cursor }))).code).toBe('validation_failed');
    }
  });
});

describe('public API', () => {
  const get = (path: string) => ctx.app.request(path);
  type Page = { items: Record<string, unknown>[]; nextCursor: string | null };

  it('lists active services page by page with public fields only', async () => {
    const suspended = await createService(ctx.db, input(), reg);
    await setServiceStatus(ctx.db, suspended.id, 'suspended', reg);
    const seen: Record<string, unknown>[] = [];
    let url = '/v1/services?limit=3';
    for (let i = 0; i < 50; i++) {
      const res = await get(url);
      expect(res.status).toBe(200);
      const page = (await res.json()) as Page;
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items);
      if (!page.nextCursor) break;
      url = `/v1/services?limit=3&cursor=${encodeURIComponent(page.nextCursor)}`;
    }
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.every((s) => s.status === 'active')).toBe(true);
    expect(seen.map((s) => s.id)).not.toContain(suspended.id);
    expect(Object.keys(seen[0]!).sort()).toEqual(
      ['categories', 'clientId', 'controller', 'description', 'id', 'jwks', 'name', 'processing', 'purposes', 'status'].sort(),
    );
  });

  it('returns one service by id, also when suspended, and 404 for unknown or malformed ids', async () => {
    const s = await createService(ctx.db, input(), reg);
    const res = await get(`/v1/services/${s.id}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ id: s.id, clientId: s.clientId, status: 'active', purposes: s.purposes, jwks: { keys: [] } });
    expect(body).not.toHaveProperty('createdAt');
    await setServiceStatus(ctx.db, s.id, 'suspended', reg);
    expect(((await (await get(`/v1/services/${s.id}`)).json()) as { status: string }).status).toBe('suspended');

    await expectProblem(await get('/v1/services/01890000-0000-7000-8000-000000000000'), 404, 'not_found');
    await expectProblem(await get(`/v1/services/${s.clientId}`), 404, 'not_found');
    await expectProblem(await get('/v1/services/not-a-uuid'), 404, 'not_found');
    // Upper-case hex is the same UUID (RFC 9562 §4).
    expect((await get(`/v1/services/${s.id.toUpperCase()}`)).status).toBe(200);
    await expectProblem(await get(`/v1/services/${'a'.repeat(100)}`), 400, 'validation_failed');
  });

  it('refuses bad paging parameters with a 400 problem naming the field', async () => {
    for (const q of ['limit=0', 'limit=101', 'limit=abc', 'limit=2.5', 'cursor=', 'cursor=nope', 'page=2', `cursor=${'x'.repeat(65)}`]) {
      const body = await expectProblem(await get(`/v1/services?${q}`), 400, 'validation_failed');
      expect(JSON.stringify(body.errors), q).toMatch(/query\.(limit|cursor|page)|query/);
    }
    const body = await expectProblem(await get('/v1/services?cursor=nope'), 400, 'validation_failed');
    expect(body.errors).toEqual([{ field: 'query.cursor', message: 'not a cursor returned by this list' }]);
  });

  it('does not accept writes', async () => {
    const res = await ctx.app.request('/v1/services', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(example) });
    expect([404, 405]).toContain(res.status);
  });
});
