/**
 * Bad input on every endpoint of the OpenAPI document gets a 4xx problem with a stable
 * code — never a 5xx, never a silent success. The list of operations comes from the
 * published document, so a new endpoint is covered the moment it is declared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemCodes } from '../src/domain/errors.js';
import { bearer, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { createTestContext, type TestContext } from './support/harness.js';

let t: TestContext;
let alice: SignedInCitizen;
let operations: { method: string; path: string; hasBody: boolean; hasPathParams: boolean; query: string[] }[] = [];

beforeAll(async () => {
  t = await createTestContext();
  alice = await signUpCitizen(t.app, t.config);
  const doc = (await (await t.app.request('/openapi.json')).json()) as {
    paths: Record<string, Record<string, { requestBody?: unknown; parameters?: { in: string; name: string }[] }>>;
  };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        hasBody: op.requestBody !== undefined,
        hasPathParams: path.includes('{'),
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      })),
  );
});
afterAll(async () => {
  await t.close();
});

const fill = (path: string, value: string) => path.replace(/\{[^}]+\}/g, encodeURIComponent(value));

async function expectProblem4xx(res: Response, what: string) {
  expect(res.status, what).toBeGreaterThanOrEqual(400);
  expect(res.status, what).toBeLessThan(500);
  expect(res.headers.get('content-type'), what).toContain('application/problem+json');
  const body = (await res.json()) as { code: string; detail?: string };
  expect(problemCodes, what).toContain(body.code);
  expect(JSON.stringify(body), what).not.toMatch(/at .+\.(ts|js):\d+|select |insert |stack/i);
}

describe(`bad input on every endpoint (${ENGINE})`, () => {
  it('covers a real set of operations', () => {
    expect(operations.length).toBeGreaterThan(10);
  });

  it('bad path ids are 4xx problems', async () => {
    for (const op of operations.filter((o) => o.hasPathParams)) {
      for (const bad of ['not-a-uuid', 'x'.repeat(5000), "1' or '1'='1", '00000000-0000-0000-0000-000000000000']) {
        const res = await t.app.request(fill(op.path, bad), {
          method: op.method,
          headers: bearer(alice.token),
          body: op.hasBody ? '{}' : undefined,
        });
        await expectProblem4xx(res, `${op.method} ${op.path} with id ${bad.slice(0, 20)}`);
      }
    }
  });

  it('malformed, mistyped, unknown-field and oversized bodies are 4xx problems', async () => {
    const bodies = [
      '{',
      '[]',
      'null',
      '"just a string"',
      JSON.stringify({ unexpectedField: true }),
      JSON.stringify({ purposes: 'not-an-array', serviceId: 42, validUntil: 'tomorrow', displayName: { a: 1 }, name: ['x'] }),
      JSON.stringify({ displayName: 'x'.repeat(100_000) }),
      JSON.stringify({ serviceId: '00000000-0000-0000-0000-000000000000'.repeat(3), purposes: Array(1000).fill('a') }),
      'x'.repeat(300_000),
    ];
    for (const op of operations.filter((o) => o.hasBody)) {
      const path = fill(op.path, '01938f2e-8a4b-7c3d-9e5f-0a1b2c3d4e5f');
      for (const body of bodies) {
        const res = await t.app.request(path, { method: op.method, headers: bearer(alice.token), body });
        await expectProblem4xx(res, `${op.method} ${op.path} with body ${body.slice(0, 40)}`);
      }
    }
  });

  it('bad query parameters are 4xx problems', async () => {
    const withQuery = operations.filter((o) => o.method === 'GET' && o.query.length > 0);
    expect(withQuery.length).toBeGreaterThan(0);
    for (const op of withQuery) {
      const path = fill(op.path, '01938f2e-8a4b-7c3d-9e5f-0a1b2c3d4e5f');
      const bad = [
        ...(op.query.includes('limit') ? ['limit=-1', 'limit=abc', 'limit=100000', 'limit=1.5'] : []),
        ...(op.query.includes('cursor') ? ['cursor=%00%01', `cursor=${'z'.repeat(5000)}`] : []),
        ...(op.query.includes('status') ? ['status=bogus'] : []),
      ];
      for (const q of bad) {
        const res = await t.app.request(`${path}?${q}`, { headers: bearer(alice.token) });
        await expectProblem4xx(res, `GET ${op.path}?${q}`);
      }
    }
  });
});
