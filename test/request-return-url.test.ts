/**
 * A consent request's `returnUrl` that is no URL at all ("%00", found by the OpenAPI fuzz test
 * with seed 8616) is a 400 problem naming the field, not a 500 from the https-only refinement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './support/harness.js';
import { requestBody, send } from './support/requests.js';
import { createServiceWithKey, getServiceToken, serviceBearer } from './support/service-client.js';

let t: TestContext;
let token: string;

beforeAll(async () => {
  t = await createTestContext();
  token = await getServiceToken(t.app, await createServiceWithKey(t));
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

describe('a consent request’s returnUrl', () => {
  it.each(['%00', 'not a url', 'javascript:alert(1)', 'http://city.example/back'])('refuses %j with a 400 problem naming the field', async (returnUrl) => {
    const r = await send(t, 'POST', '/v1/requests', serviceBearer(token), requestBody('case-1', { returnUrl }));
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.code).toBe('validation_failed');
    expect(JSON.stringify(r.body.errors)).toContain('returnUrl');
  });

  it('accepts https, and http only for localhost', async () => {
    for (const returnUrl of ['https://city.example/back', 'http://localhost:3000/back']) {
      const r = await send(t, 'POST', '/v1/requests', serviceBearer(token), requestBody(`case-${returnUrl.length}`, { returnUrl }));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
  });
});
