import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemCodes } from '../src/domain/errors.js';
import { ENGINE } from './support/database.js';
import { createTestContext, type TestContext } from './support/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ config: { bodyLimitBytes: 4096 } });
});
afterAll(async () => {
  await t.close();
});

const problem = async (res: Response) => {
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const body = (await res.json()) as Record<string, unknown>;
  expect(problemCodes).toContain(body.code);
  expect(body.status).toBe(res.status);
  expect(String(body.type)).toBe(`urn:permis:problem:${body.code}`);
  return body;
};

describe(`HTTP conventions on ${ENGINE}`, () => {
  it('answers health and readiness', async () => {
    expect(await (await t.app.request('/healthz')).json()).toEqual({ status: 'ok' });
    expect(await (await t.app.request('/readyz')).json()).toEqual({ status: 'ok' });
  });

  it('unknown routes are 404 problems, wrong methods 405 with Allow', async () => {
    const nf = await t.app.request('/v1/nothing-here');
    expect(nf.status).toBe(404);
    expect((await problem(nf)).code).toBe('not_found');
    const wrong = await t.app.request('/healthz', { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toContain('GET');
    expect((await problem(wrong)).code).toBe('method_not_allowed');
  });

  it('oversized bodies are 413, non-JSON bodies 415, broken JSON 400', async () => {
    const big = await t.app.request('/v1/me/consents', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ x: 'a'.repeat(10_000) }),
    });
    expect(big.status).toBe(413);
    expect((await problem(big)).code).toBe('payload_too_large');
    const form = await t.app.request('/v1/me/consents', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(form.status).toBe(415);
    expect((await problem(form)).code).toBe('unsupported_media_type');
    const broken = await t.app.request('/v1/auth/signup/options', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"displayName":' });
    expect(broken.status).toBe(400);
    expect((await problem(broken)).code).toBe('malformed_json');
  });

  it('sets request ids and secure headers', async () => {
    const res = await t.app.request('/healthz', { headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    const fresh = await t.app.request('/healthz');
    expect(fresh.headers.get('x-request-id')).toMatch(/[0-9a-f-]{36}/);
  });

  it('publishes the OpenAPI document and a browsable reference', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/me/consents', '/.well-known/jwks.json', '/healthz']));
    const docs = await t.app.request('/docs');
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/openapi.json');
  });

  it('turns an unexpected error into an opaque 500 and a 503 when the database is down', async () => {
    const { createApp } = await import('../src/entry/app.js');
    const logged: string[] = [];
    const failing = createApp({
      ...t.deps,
      db: { ...t.db, query: async () => Promise.reject(new TypeError('secret internals at /src/x.ts:1')) },
      log: (_l, msg) => logged.push(msg),
    });
    const res = await failing.request('/readyz');
    expect(res.status).toBe(500);
    const body = await problem(res);
    expect(JSON.stringify(body)).not.toContain('secret internals');
    expect(logged).toContain('unhandled error');
    const { DbError } = await import('../src/storage/db.js');
    const down = createApp({ ...t.deps, db: { ...t.db, query: async () => Promise.reject(new DbError('connect ECONNREFUSED')) }, log: () => {} });
    const r2 = await down.request('/readyz');
    expect(r2.status).toBe(503);
    expect(r2.headers.get('retry-after')).toBe('5');
    expect((await problem(r2)).code).toBe('service_unavailable');
  });
});
