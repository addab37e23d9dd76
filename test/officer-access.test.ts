/**
 * Who may use the officer's view of the access log: every `/v1/officer/…` operation in the
 * OpenAPI document answers 401 without a session and to a service's access token, 403 to
 * citizens and admins without the officer role, and 200 to an officer; refused calls leave
 * no trace, and bad query input from an officer is a 4xx problem, never a 5xx.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemCodes } from '../src/domain/errors.js';
import { signUpAdmin, signUpOfficer } from './support/admin.js';
import { bearer, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { officerGet, type Params } from './support/officer.js';
import { createServiceWithKey, getServiceToken } from './support/service-client.js';

import type { Json } from './support/json.js';

interface Operation {
  method: string;
  path: string;
  query: { name: string; required: boolean }[];
}

let t: TestContext;
let officer: SignedInCitizen;
let admin: SignedInCitizen;
let citizen: SignedInCitizen;
let serviceToken: string;
let ops: Operation[] = [];

beforeAll(async () => {
  t = await createTestContext();
  officer = await signUpOfficer(t);
  admin = await signUpAdmin(t);
  citizen = await signUpCitizen(t.app, t.config);
  serviceToken = await getServiceToken(t.app, await createServiceWithKey(t));
  const doc = (await (await t.app.request('/openapi.json')).json()) as {
    paths: Record<string, Record<string, { parameters?: { in: string; name: string; required?: boolean }[] }>>;
  };
  ops = Object.entries(doc.paths)
    // Queries of the log only: open-data releases (test/open-data-releases.test.ts) and representation
    // relationships, which admins may use too (test/representation.test.ts), are tested where they live.
    .filter(([path]) => path.startsWith('/v1/officer/') && !path.startsWith('/v1/officer/open-data/') && !path.startsWith('/v1/officer/representations'))
    .flatMap(([path, byMethod]) =>
      Object.entries(byMethod)
        .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map(([m, op]) => ({
          method: m.toUpperCase(),
          path,
          query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: p.required === true })),
        })),
    );
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

/** The smallest valid query of an operation: its required parameters. */
const minimal = (op: Operation) => (op.query.some((p) => p.name === 'format' && p.required) ? '?format=csv' : '');

async function expectProblem4xx(res: Response, what: string) {
  expect(res.status, what).toBeGreaterThanOrEqual(400);
  expect(res.status, what).toBeLessThan(500);
  expect(res.headers.get('content-type'), what).toContain('application/problem+json');
  const body = (await res.json()) as { code: string };
  expect(problemCodes, what).toContain(body.code);
  expect(JSON.stringify(body), what).not.toMatch(/at .+\.(ts|js):\d+|select |insert |stack/i);
  return body;
}

const auditCount = async () => (await t.db.query<{ n: number }>('select count(*)::int as n from audit_events'))[0]!.n;

describe(`officer access on ${ENGINE}`, () => {
  it('covers every officer operation', () => {
    expect(ops.map((o) => `${o.method} ${o.path}`).sort()).toEqual(['GET /v1/officer/events', 'GET /v1/officer/events/export', 'GET /v1/officer/stats']);
  });

  it('answers 401 without a session or with a service token, 403 without the officer role', async () => {
    const before = await auditCount();
    for (const op of ops) {
      const url = `${op.path}${minimal(op)}`;
      const what = `${op.method} ${op.path}`;
      const anon = await t.app.request(url, { method: op.method });
      expect(await expectProblem4xx(anon, `anonymous ${what}`)).toMatchObject({ code: 'unauthenticated' });
      expect(anon.status).toBe(401);
      const svc = await t.app.request(url, { method: op.method, headers: { authorization: `Bearer ${serviceToken}` } });
      expect(await expectProblem4xx(svc, `service ${what}`)).toMatchObject({ code: 'unauthenticated' });
      expect(svc.status).toBe(401);
      const junk = await t.app.request(url, { method: op.method, headers: { authorization: 'Basic b2ZmaWNlcjpvZmZpY2Vy' } });
      expect(junk.status, `basic auth ${what}`).toBe(401);
      for (const [who, name] of [
        [citizen, 'citizen'],
        [admin, 'admin'],
      ] as const) {
        const res = await t.app.request(url, { method: op.method, headers: bearer(who.token) });
        const problem = await expectProblem4xx(res, `${name} ${what}`);
        expect({ status: res.status, code: problem.code }, `${name} ${what}`).toEqual({ status: 403, code: 'forbidden' });
      }
    }
    // Nobody without the role left a trace of a query, or learnt anything.
    expect(await auditCount()).toBe(before);
  });

  it('answers an officer, and only an officer, with the data', async () => {
    for (const op of ops) {
      const before = await auditCount();
      const res = await t.app.request(`${op.path}${minimal(op)}`, { method: op.method, headers: bearer(officer.token) });
      expect(res.status, `${op.method} ${op.path}`).toBe(200);
      await res.arrayBuffer();
      expect(await auditCount(), `${op.method} ${op.path} is audited`).toBe(before + 1);
    }
  });

  it('stops answering once the officer role is revoked', async () => {
    const revoked = await t.app.request(`/v1/admin/roles/${officer.citizenId}/officer`, { method: 'DELETE', headers: bearer(admin.token) });
    expect(revoked.status).toBe(204);
    for (const op of ops) {
      const res = await t.app.request(`${op.path}${minimal(op)}`, { method: op.method, headers: bearer(officer.token) });
      expect(res.status, `${op.method} ${op.path}`).toBe(403);
    }
    const again = await t.app.request(`/v1/admin/roles/${officer.citizenId}/officer`, { method: 'PUT', headers: bearer(admin.token) });
    expect(again.status).toBe(201);
  });

  it('answers bad query parameters from an officer with 4xx problems', async () => {
    const bad = [
      'limit=-1',
      'limit=abc',
      'limit=100000',
      'limit=1.5',
      'cursor=%00%01',
      `cursor=${'z'.repeat(5000)}`,
      'cursor=bogus',
      'unknown=1',
      'serviceId=x',
      'consentId=%27%20or%201=1--',
      'decision=allow',
      'order=random',
      'from=now',
      'to=2020-13-01T00:00:00Z',
      `type=${'a.b,'.repeat(30)}a.b`,
      `subjectRef=${'x'.repeat(201)}`,
      'actorType=root',
      'format=pdf',
      'purpose=%E2%80%AE',
    ];
    for (const op of ops) {
      for (const q of bad) {
        const sep = minimal(op) ? `${minimal(op)}&` : '?';
        const res = await t.app.request(`${op.path}${sep}${q}`, { method: op.method, headers: bearer(officer.token) });
        await expectProblem4xx(res, `${op.method} ${op.path} ${q}`);
      }
    }
  });
});

describe(`bad officer input on ${ENGINE}`, () => {
  it('refuses bad filters, pages and ranges with 400 problems naming the field', async () => {
    const cursorAsc = (await officerGet(t, officer.token, '/v1/officer/events', { limit: '1', order: 'asc' })).body.nextCursor as string;
    const before = (await t.db.query<{ n: number }>('select count(*)::int as n from audit_events'))[0]!.n;
    const cases: [string, Params, string][] = [
      ['/v1/officer/events', { decision: 'maybe' }, 'query.decision'],
      ['/v1/officer/events', { order: 'sideways' }, 'query.order'],
      ['/v1/officer/events', { serviceId: 'not-a-uuid' }, 'query.serviceId'],
      ['/v1/officer/events', { serviceId: [randomUUID(), randomUUID()] }, 'query.serviceId'],
      ['/v1/officer/events', { consentId: "1' or '1'='1" }, 'query.consentId'],
      ['/v1/officer/events', { purpose: 'Not A Code' }, 'query.purpose'],
      ['/v1/officer/events', { category: 'x'.repeat(100) }, 'query.category'],
      ['/v1/officer/events', { actorType: 'robot' }, 'query.actorType'],
      ['/v1/officer/events', { actorId: 'a\u0000b' }, 'query.actorId'],
      ['/v1/officer/events', { reason: 'x'.repeat(201) }, 'query.reason'],
      ['/v1/officer/events', { subjectRef: 'has space' }, 'query.subjectRef'],
      ['/v1/officer/events', { type: 'Consent.Checked' }, 'query.type'],
      ['/v1/officer/events', { type: 'consent.checked,,request.created' }, 'query.type'],
      ['/v1/officer/events', { type: Array.from({ length: 21 }, (_, i) => `a.t${'x'.repeat(i)}`) }, 'query.type'],
      ['/v1/officer/events', { from: '2025-02-30T00:00:00Z' }, 'query.from'],
      ['/v1/officer/events', { from: '0000-01-01T00:00:00Z' }, 'query.from'],
      ['/v1/officer/events', { to: 'yesterday' }, 'query.to'],
      ['/v1/officer/events', { to: '2025-01-01' }, 'query.to'],
      ['/v1/officer/events', { from: '2025-01-02T00:00:00Z', to: '2025-01-01T00:00:00Z' }, 'query.from'],
      ['/v1/officer/events', { limit: '0' }, 'query.limit'],
      ['/v1/officer/events', { limit: '201' }, 'query.limit'],
      ['/v1/officer/events', { cursor: 'bogus' }, 'query.cursor'],
      ['/v1/officer/events', { cursor: Buffer.from(`desc|2025-02-30T00:00:00.000000Z|${randomUUID()}`).toString('base64url') }, 'query.cursor'],
      ['/v1/officer/events', { cursor: cursorAsc }, 'query.cursor'],
      ['/v1/officer/events', { unknown: '1' }, 'query'],
      ['/v1/officer/stats', { from: '2020-01-01T00:00:00Z', to: '2021-06-01T00:00:00Z' }, 'query.from'],
      ['/v1/officer/stats', { from: '2020-01-01T00:00:00Z' }, 'query.from'],
      ['/v1/officer/stats', { to: '2020-01-01T00:00:00Z', from: '2020-02-01T00:00:00Z' }, 'query.from'],
      ['/v1/officer/stats', { limit: '5' }, 'query'],
      ['/v1/officer/stats', { decision: 'nope' }, 'query.decision'],
      ['/v1/officer/events/export', {}, 'query.format'],
      ['/v1/officer/events/export', { format: 'xlsx' }, 'query.format'],
      ['/v1/officer/events/export', { format: 'csv', cursor: 'x' }, 'query'],
      ['/v1/officer/events/export', { format: 'csv', serviceId: 'nope' }, 'query.serviceId'],
    ];
    for (const [path, params, field] of cases) {
      const r = await officerGet(t, officer.token, path, params);
      const what = `${path} ${JSON.stringify(params)}`;
      expect(r.status, what).toBe(400);
      expect(r.headers.get('content-type'), what).toContain('application/problem+json');
      expect(r.body.code, what).toBe('validation_failed');
      expect(r.body.errors.map((e: Json) => e.field).some((f: string) => f === field || f.startsWith(`${field}.`)), `${what}: ${JSON.stringify(r.body.errors)}`).toBe(true);
    }
    // Refused queries ran nothing and logged nothing.
    expect((await t.db.query<{ n: number }>('select count(*)::int as n from audit_events'))[0]!.n).toBe(before + 0);
  });

  it('accepts every RFC 3339 form and a repeated or comma-separated type', async () => {
    for (const params of [
      { from: '2020-03-01T00:00:00.123456Z' },
      { from: '2020-03-01T01:00:00+01:00', to: '2999-03-06T00:00:00-05:00' },
      { type: ['service.token_issued', 'role.enrolled'] },
      { type: 'service.token_issued,role.enrolled' },
    ] as Params[]) {
      const r = await officerGet(t, officer.token, '/v1/officer/events', { from: '2000-01-01T00:00:00Z', ...params, limit: '1' });
      expect(r.status, JSON.stringify([params, r.body])).toBe(200);
      expect(r.body.items).toHaveLength(1);
    }
  });
});
