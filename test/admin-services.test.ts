/** The service registry through the admin API: every change audited with the admin as actor. */
import { readFileSync } from 'node:fs';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAdmin } from './support/admin.js';
import { bearer, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { expectProblem } from './support/expect-problem.js';
import { createTestContext, type TestContext } from './support/harness.js';

let t: TestContext;
let admin: SignedInCitizen;

import type { Json } from './support/json.js';

const example = JSON.parse(readFileSync(new URL('../examples/service.example.json', import.meta.url), 'utf8')) as Json;
let n = 0;
const registration = (overrides: Json = {}) => ({ ...example, clientId: `adm-svc-${++n}`, ...overrides });

beforeAll(async () => {
  t = await createTestContext();
  admin = await signUpAdmin(t);
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

const raw = (method: string, path: string, body?: unknown) =>
  Promise.resolve(t.app.request(path, { method, headers: bearer(admin.token), body: body === undefined ? undefined : JSON.stringify(body) }));

async function call(method: string, path: string, body?: unknown) {
  const res = await raw(method, path, body);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as Json };
}

async function auditOf(serviceId: string) {
  return t.db.query<{ type: string; actor_type: string; actor_id: string; request_id: string | null; data: Json }>(
    'select type, actor_type, actor_id, request_id, data from audit_events where service_id = $1 order by seq',
    [serviceId],
  );
}

async function publicKey(kid: string) {
  const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  return { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
}

describe(`services through the admin API on ${ENGINE}`, () => {
  it('registers, reads, updates, suspends, activates and rotates the keys of a service, auditing each change', async () => {
    const created = await call('POST', '/v1/admin/services', registration({ clientId: 'biblioteques', purposes: ['library-services'], categories: ['name'], processing: ['store'] }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect(created.headers.get('location')).toBe(`/v1/admin/services/${id}`);
    expect(created.body).toMatchObject({ clientId: 'biblioteques', status: 'active', purposes: ['library-services'], jwks: { keys: [] } });
    expect(created.body.createdAt).toBe(t.clock.now().toISOString());

    expect((await call('GET', `/v1/admin/services/${id}`)).body).toEqual(created.body);
    expect((await call('GET', '/v1/admin/services/biblioteques')).body.id).toBe(id);

    const updated = await call('PATCH', `/v1/admin/services/${id}`, {
      name: { ca: 'Biblioteques de Barcelona', es: 'Bibliotecas de Barcelona', en: 'Barcelona Libraries' },
      purposes: ['library-services', 'cultural-activities', 'library-services'],
      controller: { ...example.controller, dpoContact: 'https://bcn.cat/dpd' },
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body).toMatchObject({
      name: { en: 'Barcelona Libraries' },
      purposes: ['cultural-activities', 'library-services'],
      categories: ['name'],
      controller: { dpoContact: 'https://bcn.cat/dpd', name: example.controller.name },
    });
    // A change that changes nothing writes nothing.
    expect((await call('PATCH', `/v1/admin/services/${id}`, { categories: ['name'] })).status).toBe(200);

    const suspended = await call('POST', `/v1/admin/services/${id}/suspend`, { reason: 'DPIA under review' });
    expect(suspended.body.status).toBe('suspended');
    // Suspended services are gone from the public list, but admins still see them.
    const publicList = await call('GET', '/v1/services?limit=100');
    expect((publicList.body.items as Json[]).map((s) => s.id)).not.toContain(id);
    const adminList = await call('GET', '/v1/admin/services?limit=100');
    expect((adminList.body.items as Json[]).find((s) => s.id === id)).toMatchObject({ status: 'suspended' });
    const suspendedOnly = await call('GET', '/v1/admin/services?status=suspended');
    expect((suspendedOnly.body.items as Json[]).map((s) => s.id)).toEqual([id]);
    expect((await call('POST', `/v1/admin/services/${id}/activate`)).body.status).toBe('active');

    const k1 = await publicKey('bib-2026-01');
    const k2 = await publicKey('bib-2026-02');
    const rotated = await call('PUT', `/v1/admin/services/${id}/jwks`, { keys: [k1, k2] });
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    expect((rotated.body.jwks.keys as Json[]).map((k) => k.kid)).toEqual(['bib-2026-01', 'bib-2026-02']);
    expect((await call('PUT', `/v1/admin/services/${id}/jwks`, { keys: [k2] })).body.jwks.keys).toHaveLength(1);

    const audit = await auditOf(id);
    expect(audit.map((a) => a.type)).toEqual([
      'service.registered',
      'service.updated',
      'service.suspended',
      'service.activated',
      'service.jwks_replaced',
      'service.jwks_replaced',
    ]);
    expect(audit.every((a) => a.actor_type === 'admin' && a.actor_id === admin.citizenId && a.request_id)).toBe(true);
    expect(audit[1]!.data.changes).toMatchObject({
      purposes: { from: ['library-services'], to: ['cultural-activities', 'library-services'] },
      controller: { to: { dpoContact: 'https://bcn.cat/dpd' } },
    });
    expect(Object.keys(audit[1]!.data.changes as Json).sort()).toEqual(['controller', 'name', 'purposes']);
    expect(audit[2]!.data).toMatchObject({ from: 'active', to: 'suspended', reason: 'DPIA under review' });
    expect(audit[5]!.data).toMatchObject({ previousKids: ['bib-2026-01', 'bib-2026-02'], kids: ['bib-2026-02'] });
  });

  it('pages through every service', async () => {
    for (let i = 0; i < 3; i++) expect((await call('POST', '/v1/admin/services', registration())).status).toBe(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: Json } = await call('GET', `/v1/admin/services?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...(page.body.items as Json[]).map((s) => s.id as string));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('refuses bad registrations and updates with 4xx problems naming the field', async () => {
    const taken = await call('POST', '/v1/admin/services', registration({ clientId: 'dup-svc' }));
    expect(taken.status).toBe(201);
    await expectProblem(await raw('POST', '/v1/admin/services', registration({ clientId: 'dup-svc' })), 409, 'conflict');
    await expectProblem(await raw('POST', '/v1/admin/services', registration({ purposes: ['no-such-purpose'] })), 400, 'term_unknown');
    const badUrl = await expectProblem(
      await raw('POST', '/v1/admin/services', registration({ controller: { ...example.controller, policyUrl: 'http://insecure.example' } })),
      400,
      'validation_failed',
    );
    expect(JSON.stringify(badUrl.errors)).toContain('body.controller.policyUrl');
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const priv = { ...(await exportJWK(privateKey)), kid: 'leak' };
    const leaked = await expectProblem(await raw('POST', '/v1/admin/services', registration({ jwks: { keys: [priv] } })), 400, 'validation_failed');
    expect(JSON.stringify(leaked.errors)).toContain('body.jwks.keys.0');
    expect(leaked.detail).toMatch(/private/);

    const id = taken.body.id as string;
    await expectProblem(await raw('PATCH', `/v1/admin/services/${id}`, {}), 400, 'validation_failed');
    await expectProblem(await raw('PATCH', `/v1/admin/services/${id}`, { clientId: 'renamed' }), 400, 'validation_failed');
    await expectProblem(await raw('PATCH', `/v1/admin/services/${id}`, { categories: [] }), 400, 'validation_failed');
    await expectProblem(await raw('PATCH', `/v1/admin/services/${id}`, { processing: ['sell'] }), 400, 'term_unknown');
    await expectProblem(await raw('PATCH', '/v1/admin/services/no-such-service', { categories: ['name'] }), 404, 'not_found');
    const badKey = await expectProblem(await raw('PUT', `/v1/admin/services/${id}/jwks`, { keys: [priv] }), 400, 'validation_failed');
    expect(JSON.stringify(badKey.errors)).toContain('body.keys.0');
    await expectProblem(await raw('PUT', `/v1/admin/services/${id}/jwks`, { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }] }), 400, 'validation_failed');
    await expectProblem(await raw('POST', `/v1/admin/services/${id}/suspend`, { reason: '' }), 400, 'validation_failed');
    await expectProblem(await raw('POST', '/v1/admin/services/01938f2e-8a4b-7c3d-9e5f-0a1b2c3d4e5f/suspend'), 404, 'not_found');
    await expectProblem(await raw('GET', '/v1/admin/services/01938f2e-8a4b-7c3d-9e5f-0a1b2c3d4e5f'), 404, 'not_found');
    await expectProblem(await raw('GET', '/v1/admin/services?cursor=bogus'), 400, 'validation_failed');
    // Nothing was changed by the refused requests.
    expect((await auditOf(id)).map((a) => a.type)).toEqual(['service.registered']);
  });
});
