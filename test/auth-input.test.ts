/** Bad input on every account endpoint gets a 4xx problem with a stable code, never a 5xx. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { expectProblem } from './support/expect-problem.js';
import { createTestContext, type TestContext } from './support/harness.js';

let ctx: TestContext;
let who: SignedInCitizen;
beforeAll(async () => {
  ctx = await createTestContext();
  who = await signUpCitizen(ctx.app, ctx.config);
});
afterAll(async () => {
  expect(ctx.logged.filter((l) => l.level === 'error')).toEqual([]);
  await ctx?.close();
});

const uuid = '01890000-0000-7000-8000-000000000000';
const b = 'AAAA';
const registration = {
  id: b,
  rawId: b,
  type: 'public-key',
  clientExtensionResults: {},
  response: { clientDataJSON: b, attestationObject: b },
};
const assertion = {
  id: b,
  rawId: b,
  type: 'public-key',
  clientExtensionResults: {},
  response: { clientDataJSON: b, authenticatorData: b, signature: b },
};

interface Endpoint {
  method: string;
  path: string;
  auth: boolean;
  /** A body that passes validation (it may fail later for other reasons). */
  valid: Record<string, unknown>;
  /** Bodies that break the schema in one way each. */
  invalid: Record<string, unknown>[];
}

const huge = 'x'.repeat(20_000);
const endpoints = (): Endpoint[] => [
  {
    method: 'POST',
    path: '/v1/auth/signup/options',
    auth: false,
    valid: { displayName: 'Ada' },
    invalid: [{}, { displayName: 7 }, { displayName: '' }, { displayName: '   ' }, { displayName: huge }, { displayName: 'a\u0000b' }],
  },
  {
    method: 'POST',
    path: '/v1/auth/signup/verify',
    auth: false,
    valid: { ceremonyId: uuid, response: registration },
    invalid: [
      { ceremonyId: 'not-a-uuid', response: registration },
      { ceremonyId: uuid },
      { ceremonyId: uuid, response: { ...registration, type: 'password' } },
      { ceremonyId: uuid, response: { ...registration, id: 'has spaces+/=' } },
      { ceremonyId: uuid, response: { ...registration, id: huge } },
      { ceremonyId: uuid, response: { ...registration, response: { clientDataJSON: b } } },
      { ceremonyId: uuid, response: { ...registration, response: { ...registration.response, extra: 1 } } },
      { ceremonyId: uuid, response: { ...registration, response: { ...registration.response, attestationObject: 'A'.repeat(20_000) } } },
      { ceremonyId: uuid, response: assertion },
      { ceremonyId: uuid, response: registration, passkeyName: huge },
      { ceremonyId: uuid, response: registration, passkeyName: 12 },
    ],
  },
  { method: 'POST', path: '/v1/auth/signin/options', auth: false, valid: {}, invalid: [{ username: 'ada' }] },
  {
    method: 'POST',
    path: '/v1/auth/signin/verify',
    auth: false,
    valid: { ceremonyId: uuid, response: assertion },
    invalid: [
      { ceremonyId: uuid, response: registration },
      { ceremonyId: uuid, response: { ...assertion, response: { ...assertion.response, signature: 5 } } },
      { ceremonyId: uuid, response: { ...assertion, response: { ...assertion.response, userHandle: huge } } },
      { ceremonyId: [uuid], response: assertion },
      { ceremonyId: uuid, response: null },
    ],
  },
  { method: 'POST', path: '/v1/me/passkeys/options', auth: true, valid: {}, invalid: [{ alg: -7 }] },
  {
    method: 'POST',
    path: '/v1/me/passkeys',
    auth: true,
    valid: { ceremonyId: uuid, response: registration },
    invalid: [{ ceremonyId: uuid, response: registration, name: huge }, { ceremonyId: uuid, response: 'x' }, { ceremonyId: 1, response: registration }],
  },
  {
    method: 'PATCH',
    path: `/v1/me/passkeys/${b}`,
    auth: true,
    valid: { name: 'Phone' },
    invalid: [{}, { name: null }, { name: huge }, { name: 'ok', id: 'x' }],
  },
];

const send = (e: { method: string; path: string; auth: boolean }, body: string | undefined, headers: Record<string, string> = {}) =>
  ctx.app.request(e.path, {
    method: e.method,
    headers: { 'content-type': 'application/json', ...(e.auth ? { authorization: `Bearer ${who.token}` } : {}), ...headers },
    body,
  });

describe.each(endpoints().map((e) => [`${e.method} ${e.path}`, e] as const))('%s', (_name, e) => {
  it('refuses malformed JSON', async () => {
    await expectProblem(await send(e, '{"displayName": '), 400, 'malformed_json');
  });
  it('refuses unknown fields', async () => {
    await expectProblem(await send(e, JSON.stringify({ ...e.valid, surprise: true })), 400, 'validation_failed');
  });
  it('refuses a body that is not an object', async () => {
    for (const body of ['[]', 'null', '"text"', '42']) await expectProblem(await send(e, body), 400, 'validation_failed');
  });
  it('refuses wrong types, missing fields and huge strings', async () => {
    for (const body of e.invalid) {
      const problem = await expectProblem(await send(e, JSON.stringify(body)), 400, 'validation_failed');
      expect((problem.errors as unknown[]).length).toBeGreaterThan(0);
    }
  });
  it('refuses a non-JSON content type and an oversized body', async () => {
    await expectProblem(await send(e, 'displayName=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
    await expectProblem(await send(e, JSON.stringify({ pad: 'x'.repeat(ctx.config.bodyLimitBytes) })), 413, 'payload_too_large');
  });
});

describe('paths and queries', () => {
  const get = (path: string) => ctx.app.request(path, { headers: bearer(who.token) });
  const del = (path: string) => ctx.app.request(path, { method: 'DELETE', headers: bearer(who.token) });

  it('refuses bad passkey ids', async () => {
    await expectProblem(await del('/v1/me/passkeys/has%20space'), 400, 'validation_failed');
    await expectProblem(await del(`/v1/me/passkeys/${'A'.repeat(2000)}`), 400, 'validation_failed');
    await expectProblem(await del('/v1/me/passkeys/AAAA'), 404, 'not_found');
  });

  it('refuses bad session ids, cursors and limits', async () => {
    await expectProblem(await del('/v1/me/sessions/not-a-uuid'), 400, 'validation_failed');
    await expectProblem(await del(`/v1/me/sessions/${uuid}`), 404, 'not_found');
    for (const q of ['limit=0', 'limit=101', 'limit=abc', 'limit=1.5', 'cursor=nope', 'sort=asc']) {
      await expectProblem(await get(`/v1/me/sessions?${q}`), 400, 'validation_failed');
    }
  });

  it('asks for a session before looking at anything else', async () => {
    for (const [method, path] of [
      ['GET', '/v1/me'],
      ['GET', '/v1/me/passkeys'],
      ['POST', '/v1/me/passkeys/options'],
      ['POST', '/v1/me/passkeys'],
      ['PATCH', '/v1/me/passkeys/AAAA'],
      ['DELETE', '/v1/me/passkeys/AAAA'],
      ['GET', '/v1/me/sessions'],
      ['DELETE', `/v1/me/sessions/${uuid}`],
      ['POST', '/v1/auth/signout'],
    ] as const) {
      await expectProblem(await ctx.app.request(path, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' || method === 'DELETE' ? undefined : '{}' }), 401, 'unauthenticated');
    }
  });

  it('documents every account route in the OpenAPI document', async () => {
    const doc = (await (await ctx.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const p of ['/v1/auth/signup/options', '/v1/auth/signup/verify', '/v1/auth/signin/options', '/v1/auth/signin/verify', '/v1/auth/signout', '/v1/me', '/v1/me/passkeys', '/v1/me/passkeys/options', '/v1/me/passkeys/{id}', '/v1/me/sessions', '/v1/me/sessions/{id}']) {
      expect(doc.paths[p], p).toBeDefined();
    }
    expect(Object.keys(doc.paths['/v1/me/passkeys/{id}']!).sort()).toEqual(['delete', 'patch']);
  });
});
