/**
 * Who may use the admin API: every `/v1/admin/…` operation in the OpenAPI document answers
 * 401 without a session and 403 to citizens and officers without the admin role; and bad
 * input from an admin on every new operation is a 4xx problem, never a 5xx. The operations
 * come from the published document, so a new admin route is covered the moment it exists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemCodes } from '../src/domain/errors.js';
import { signUpAdmin, signUpOfficer } from './support/admin.js';
import { bearer, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { createTestContext, type TestContext } from './support/harness.js';

interface Operation {
  method: string;
  path: string;
  hasBody: boolean;
  query: string[];
}

let t: TestContext;
let admin: SignedInCitizen;
let officer: SignedInCitizen;
let citizen: SignedInCitizen;
let adminOps: Operation[] = [];
let newOps: Operation[] = [];

beforeAll(async () => {
  t = await createTestContext();
  admin = await signUpAdmin(t);
  officer = await signUpOfficer(t);
  citizen = await signUpCitizen(t.app, t.config);
  const doc = (await (await t.app.request('/openapi.json')).json()) as {
    paths: Record<string, Record<string, { requestBody?: unknown; parameters?: { in: string; name: string }[] }>>;
  };
  const ops = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod)
      .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map(([m, op]) => ({
        method: m.toUpperCase(),
        path,
        hasBody: op.requestBody !== undefined,
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      })),
  );
  adminOps = ops.filter((o) => o.path.startsWith('/v1/admin/'));
  newOps = [...adminOps, ...ops.filter((o) => o.path === '/v1/auth/enrol' || o.path === '/v1/me/roles')];
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

/** A plausible concrete path: a real-looking id and role for every parameter. */
const concrete = (path: string) =>
  path
    .replace('{citizenId}', '01938f2e-8a4b-7c3d-9e5f-0a1b2c3d4e5f')
    .replace('{role}', 'officer')
    .replace('{kind}', 'purpose')
    .replace('{code}', 'library-services')
    .replace(/\{[^}]+\}/g, '01938f2e-8a4b-7c3d-9e5f-0a1b2c3d4e5f');

async function expectProblem4xx(res: Response, what: string) {
  expect(res.status, what).toBeGreaterThanOrEqual(400);
  expect(res.status, what).toBeLessThan(500);
  expect(res.headers.get('content-type'), what).toContain('application/problem+json');
  const body = (await res.json()) as { code: string };
  expect(problemCodes, what).toContain(body.code);
  expect(JSON.stringify(body), what).not.toMatch(/at .+\.(ts|js):\d+|select |insert |stack/i);
  return body;
}

describe(`admin access on ${ENGINE}`, () => {
  it('covers every admin operation', () => {
    const names = adminOps.map((o) => `${o.method} ${o.path}`);
    for (const expected of [
      'GET /v1/admin/services',
      'POST /v1/admin/services',
      'GET /v1/admin/services/{id}',
      'PATCH /v1/admin/services/{id}',
      'POST /v1/admin/services/{id}/suspend',
      'POST /v1/admin/services/{id}/activate',
      'PUT /v1/admin/services/{id}/jwks',
      'POST /v1/admin/catalogue',
      'PATCH /v1/admin/catalogue/{kind}/{code}',
      'DELETE /v1/admin/catalogue/{kind}/{code}',
      'GET /v1/admin/roles',
      'PUT /v1/admin/roles/{citizenId}/{role}',
      'DELETE /v1/admin/roles/{citizenId}/{role}',
      'POST /v1/admin/invitations',
      'GET /v1/admin/invitations',
      'DELETE /v1/admin/invitations/{id}',
    ]) {
      expect(names).toContain(expected);
    }
  });

  it('answers 401 without a session and 403 to accounts without the admin role, on every admin operation', async () => {
    const before = await t.db.query<{ n: number }>('select count(*)::int as n from audit_events');
    for (const op of adminOps) {
      const path = concrete(op.path);
      const body = op.hasBody ? '{}' : undefined;
      const anon = await t.app.request(path, { method: op.method, headers: { 'content-type': 'application/json' }, body });
      expect((await expectProblem4xx(anon, `anonymous ${op.method} ${op.path}`)).code).toBe('unauthenticated');
      for (const [who, name] of [
        [citizen, 'citizen'],
        [officer, 'officer'],
      ] as const) {
        const res = await t.app.request(path, { method: op.method, headers: bearer(who.token), body });
        const problem = await expectProblem4xx(res, `${name} ${op.method} ${op.path}`);
        expect({ status: res.status, code: problem.code }, `${name} ${op.method} ${op.path}`).toEqual({ status: 403, code: 'forbidden' });
      }
    }
    // Nobody without the role changed anything.
    const after = await t.db.query<{ n: number }>('select count(*)::int as n from audit_events');
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n));
  });

  it('answers bad path parameters from an admin with 4xx problems', async () => {
    for (const op of newOps.filter((o) => o.path.includes('{'))) {
      for (const bad of ['not-a-uuid', 'x'.repeat(5000), "1' or '1'='1", '00000000-0000-0000-0000-000000000000', '%00']) {
        const path = op.path.replace(/\{[^}]+\}/g, encodeURIComponent(bad));
        const res = await t.app.request(path, { method: op.method, headers: bearer(admin.token), body: op.hasBody ? '{}' : undefined });
        await expectProblem4xx(res, `${op.method} ${op.path} with ${bad.slice(0, 20)}`);
      }
    }
  });

  it('answers malformed, mistyped, unknown-field and oversized bodies from an admin with 4xx problems', async () => {
    const bodies = [
      '{',
      '[]',
      'null',
      '"just a string"',
      '{}',
      JSON.stringify({ unexpectedField: true }),
      JSON.stringify({ role: 'root', code: 42, kind: 'x', keys: 'nope', purposes: 'not-an-array', name: ['x'], label: 1, reason: 7 }),
      JSON.stringify({ code: 'x'.repeat(100_000) }),
      JSON.stringify({ keys: Array(1000).fill({ kty: 'OKP' }) }),
      'x'.repeat(300_000),
    ];
    for (const op of newOps.filter((o) => o.hasBody)) {
      for (const body of bodies) {
        // `{}` is a valid (empty) reason for suspend/activate.
        if (body === '{}' && /\/(suspend|activate)$/.test(op.path)) continue;
        const res = await t.app.request(concrete(op.path), { method: op.method, headers: bearer(admin.token), body });
        await expectProblem4xx(res, `${op.method} ${op.path} with ${body.slice(0, 40)}`);
      }
      const wrongType = await t.app.request(concrete(op.path), {
        method: op.method,
        headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'text/plain' },
        body: 'role=admin',
      });
      expect(wrongType.status, `${op.method} ${op.path} text/plain`).toBe(415);
    }
  });

  it('answers bad query parameters from an admin with 4xx problems', async () => {
    const withQuery = newOps.filter((o) => o.method === 'GET' && o.query.length > 0);
    expect(withQuery.length).toBeGreaterThanOrEqual(3);
    for (const op of withQuery) {
      for (const q of ['limit=-1', 'limit=abc', 'limit=100000', 'limit=1.5', 'cursor=%00%01', `cursor=${'z'.repeat(5000)}`, 'cursor=bogus', 'status=bogus', 'role=root', 'unknown=1']) {
        const res = await t.app.request(`${concrete(op.path)}?${q}`, { headers: bearer(admin.token) });
        await expectProblem4xx(res, `GET ${op.path}?${q}`);
      }
    }
  });
});
