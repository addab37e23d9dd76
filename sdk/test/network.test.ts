/**
 * Network behaviour of the SDK with msw (the real global fetch, intercepted): token caching and
 * renewal, the single retry after a 401, retries of idempotent calls only (network errors,
 * timeouts, 429 honouring Retry-After, 503; checks on 503 only), malformed and truncated answers,
 * and webhooks.
 */
import { decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify } from 'jose';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPublicClient, createServiceClient, PermisError, verifyWebhook, WebhookError } from '../src/index.js';

const BASE = 'https://permis.test';
const server = setupServer();
let privateJwk: JWK;
let publicJwk: JWK;
let now = Date.parse('2026-11-05T10:00:00Z');

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  privateJwk = { ...(await exportJWK(pair.privateKey)), kid: 'k1', alg: 'EdDSA' };
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'EdDSA' };
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const problem = (status: number, code: string, headers: Record<string, string> = {}) =>
  HttpResponse.json({ type: `urn:permis:problem:${code}`, title: code, status, code, detail: `a ${code}` }, { status, headers: { 'content-type': 'application/problem+json', ...headers } });

/** A token endpoint that checks each RFC 7523 assertion and issues numbered tokens. */
function tokenEndpoint(lifetime = 300) {
  const state = { issued: 0, jtis: new Set<string>() };
  const handler = http.post(`${BASE}/v1/oauth/token`, async ({ request }) => {
    const form = new URLSearchParams(await request.text());
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const assertion = form.get('client_assertion')!;
    expect(decodeProtectedHeader(assertion)).toMatchObject({ alg: 'EdDSA', kid: 'k1' });
    const { payload } = await jwtVerify(assertion, await importJWK(publicJwk, 'EdDSA'), {
      issuer: 'svc-test',
      subject: 'svc-test',
      audience: `${BASE}/v1/oauth/token`,
      currentDate: new Date(now),
    });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(120);
    expect(state.jtis.has(payload.jti!)).toBe(false);
    state.jtis.add(payload.jti!);
    state.issued++;
    return HttpResponse.json({ access_token: `token-${state.issued}`, token_type: 'Bearer', expires_in: lifetime, scope: form.get('scope') ?? 'consents:check' });
  });
  return { state, handler };
}

const client = (extra: Record<string, unknown> = {}) =>
  createServiceClient({ baseUrl: BASE, clientId: 'svc-test', privateKey: privateJwk, now: () => now, retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...extra });
const permit = { decision: 'permit', checkId: '01938f2e-8a4b-7c3d-9e5f-0a1b2c3d4e5f', checkedAt: '2026-11-05T10:00:00Z' };
const aRequest = { id: '01938f2e-8a4b-7c3d-9e5f-0a1b2c3d4e5f', status: 'pending' };
const checkInput = { subjectRef: 's', purpose: 'p-a', dataCategory: 'c-a' };

describe('tokens', () => {
  it('caches the token, renews it before expiry, and shares one request among concurrent calls', async () => {
    const { state, handler } = tokenEndpoint(300);
    const seen: string[] = [];
    server.use(handler, http.post(`${BASE}/v1/check`, ({ request }) => (seen.push(request.headers.get('authorization')!), HttpResponse.json(permit))));
    const c = client({ scopes: ['consents:check'] });
    await Promise.all([c.check(checkInput), c.check(checkInput), c.check(checkInput)]);
    expect(state.issued).toBe(1);
    now += 260_000; // 40 s left: still good
    await c.check(checkInput);
    expect(state.issued).toBe(1);
    now += 15_000; // 25 s left: renewed first
    await c.check(checkInput);
    expect(state.issued).toBe(2);
    expect(seen).toEqual(['Bearer token-1', 'Bearer token-1', 'Bearer token-1', 'Bearer token-1', 'Bearer token-2']);
  });

  it('after a 401 gets a new token and retries once — also a POST — but not twice', async () => {
    const { state, handler } = tokenEndpoint();
    let calls = 0;
    server.use(handler, http.post(`${BASE}/v1/check`, ({ request }) => (calls++, request.headers.get('authorization') === 'Bearer token-1' ? problem(401, 'unauthenticated') : HttpResponse.json(permit))));
    const c = client();
    expect((await c.check(checkInput)).decision).toBe('permit');
    expect([calls, state.issued]).toEqual([2, 2]);
    server.use(http.post(`${BASE}/v1/check`, () => (calls++, problem(401, 'unauthenticated'))));
    calls = 0;
    await expect(c.check(checkInput)).rejects.toMatchObject({ code: 'unauthenticated', status: 401 });
    expect(calls).toBe(2);
  });

  it('reports the token endpoint’s RFC 6749 error and a malformed token answer', async () => {
    server.use(http.post(`${BASE}/v1/oauth/token`, () => HttpResponse.json({ error: 'invalid_client', error_description: 'unknown key' }, { status: 401 })));
    await expect(client().check(checkInput)).rejects.toMatchObject({ code: 'oauth_error', status: 401, oauthError: { error: 'invalid_client' } });
    server.use(http.post(`${BASE}/v1/oauth/token`, () => HttpResponse.json({ token_type: 'Bearer' })));
    await expect(client().check(checkInput)).rejects.toMatchObject({ code: 'malformed_response' });
  });
});

describe('retries', () => {
  it('retries a GET on 429, honouring Retry-After', async () => {
    const { handler } = tokenEndpoint();
    const at: number[] = [];
    server.use(handler, http.get(`${BASE}/v1/requests/:id`, () => (at.push(Date.now()), at.length === 1 ? problem(429, 'rate_limited', { 'retry-after': '1' }) : HttpResponse.json(aRequest))));
    expect((await client().getRequest(aRequest.id)).status).toBe('pending');
    expect(at).toHaveLength(2);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(950);
  });

  it('gives up after the retries on 503 and does not wait for a long Retry-After', async () => {
    const { handler } = tokenEndpoint();
    let calls = 0;
    server.use(handler, http.get(`${BASE}/v1/requests/:id`, () => (calls++, problem(503, 'service_unavailable'))));
    await expect(client().getRequest(aRequest.id)).rejects.toMatchObject({ code: 'service_unavailable', status: 503 });
    expect(calls).toBe(4);
    calls = 0;
    server.use(http.get(`${BASE}/v1/requests/:id`, () => (calls++, problem(429, 'rate_limited', { 'retry-after': '3600' }))));
    await expect(client().getRequest(aRequest.id)).rejects.toMatchObject({ code: 'rate_limited', retryAfter: 3600 });
    expect(calls).toBe(1);
  });

  it('retries a check after a 503 (no decision was given) but never after a lost answer', async () => {
    const { handler } = tokenEndpoint();
    let calls = 0;
    server.use(
      handler,
      http.post(`${BASE}/v1/check`, () => (++calls < 3 ? problem(503, 'service_unavailable', { 'retry-after': '0' }) : HttpResponse.json(permit))),
    );
    expect((await client().check(checkInput)).decision).toBe('permit');
    expect(calls).toBe(3);
    calls = 0;
    // Still unavailable after the retries: the error reaches the service, which must deny (fail closed).
    server.use(http.post(`${BASE}/v1/check/batch`, () => (calls++, problem(503, 'service_unavailable', { 'retry-after': '0' }))));
    await expect(client().checkMany([checkInput])).rejects.toMatchObject({ code: 'service_unavailable', status: 503 });
    expect(calls).toBe(4);
    calls = 0;
    server.use(http.post(`${BASE}/v1/check`, () => (calls++, HttpResponse.error())));
    await expect(client().check(checkInput)).rejects.toMatchObject({ code: 'network_error', status: 0 });
    expect(calls).toBe(1);
  });

  it('retries a creating POST with the same Idempotency-Key and body', async () => {
    const { handler } = tokenEndpoint();
    const sent: { key: string | null; body: string }[] = [];
    server.use(
      handler,
      http.post(`${BASE}/v1/requests`, async ({ request }) => {
        sent.push({ key: request.headers.get('idempotency-key'), body: await request.text() });
        return sent.length === 1 ? HttpResponse.error() : sent.length === 2 ? problem(503, 'service_unavailable') : HttpResponse.json(aRequest, { status: 201 });
      }),
    );
    const body = { subjectRef: 's', purposes: ['p-a'], dataCategories: ['c-a'], durationDays: 30, notice: { version: '1', texts: { ca: 'text' } } };
    expect((await client().requestConsent(body)).id).toBe(aRequest.id);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((s) => s.key)).size).toBe(1);
    expect(sent[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent.every((s) => JSON.parse(s.body).subjectRef === 's')).toBe(true);
  });

  it('times out an attempt, retrying only idempotent calls', async () => {
    const pub = createPublicClient({ baseUrl: BASE, timeoutMs: 100, retry: { baseDelayMs: 1 } });
    let calls = 0;
    server.use(http.get(`${BASE}/v1/services/:id`, async () => (calls++ === 0 ? (await delay(1000), HttpResponse.json({})) : HttpResponse.json({ id: 'x' }))));
    expect(await pub.getService('x')).toEqual({ id: 'x' });
    expect(calls).toBe(2);
    server.use(http.get(`${BASE}/v1/services/:id`, async () => (await delay(1000), HttpResponse.json({}))));
    const noRetry = createPublicClient({ baseUrl: BASE, timeoutMs: 100, retry: false });
    await expect(noRetry.getService('x')).rejects.toMatchObject({ code: 'timeout', status: 0 });
    // A body that stalls after the headers times out too.
    server.use(
      http.get(`${BASE}/v1/services/:id`, () => {
        const stream = new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('{"id":')) });
        return new HttpResponse(stream, { headers: { 'content-type': 'application/json' } });
      }),
    );
    await expect(noRetry.getService('x')).rejects.toMatchObject({ code: 'timeout' });
  });

  it('stops at once when the caller aborts', async () => {
    let calls = 0;
    server.use(http.get(`${BASE}/v1/services/:id`, async () => (calls++, await delay(1000), HttpResponse.json({}))));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await expect(createPublicClient({ baseUrl: BASE }).getService('x', { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(1);
  });
});

describe('malformed answers', () => {
  it('turns truncated or invalid JSON, a non-problem error and a wrong shape into PermisErrors', async () => {
    const pub = createPublicClient({ baseUrl: BASE, retry: false });
    server.use(http.get(`${BASE}/v1/services/:id`, () => new HttpResponse('{"id":"x","clientId":', { headers: { 'content-type': 'application/json' } })));
    await expect(pub.getService('x')).rejects.toMatchObject({ code: 'malformed_response' });
    server.use(http.get(`${BASE}/v1/services/:id`, () => new HttpResponse('<html>Bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } })));
    const err = await pub.getService('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermisError);
    expect(err).toMatchObject({ code: 'unexpected_response', status: 502 });
    server.use(http.get(`${BASE}/v1/services/:id`, () => problem(404, 'not_found')));
    await expect(pub.getService('x')).rejects.toMatchObject({ code: 'not_found', status: 404, problem: { code: 'not_found' } });

    const { handler } = tokenEndpoint();
    server.use(handler, http.post(`${BASE}/v1/check`, () => HttpResponse.json({ decision: 'maybe' })));
    await expect(client().check(checkInput)).rejects.toMatchObject({ code: 'malformed_response' });
    server.use(http.post(`${BASE}/v1/check/batch`, () => HttpResponse.json({ results: [permit] })));
    await expect(client().checkMany([checkInput, checkInput])).rejects.toMatchObject({ code: 'malformed_response' });
  });

  it('follows cursors through every page and refuses a repeated cursor', async () => {
    const pages: Record<string, { items: { id: string }[]; nextCursor: string | null }> = {
      '': { items: [{ id: 'a' }, { id: 'b' }], nextCursor: 'c1' },
      c1: { items: [{ id: 'c' }], nextCursor: 'c2' },
      c2: { items: [], nextCursor: null },
    };
    server.use(http.get(`${BASE}/v1/services`, ({ request }) => HttpResponse.json(pages[new URL(request.url).searchParams.get('cursor') ?? '']!)));
    const pub = createPublicClient({ baseUrl: BASE });
    const ids: string[] = [];
    for await (const s of pub.listServices()) ids.push((s as { id: string }).id);
    expect(ids).toEqual(['a', 'b', 'c']);
    expect((await pub.listServices().first(2)).length).toBe(2);
    pages.c1!.nextCursor = 'c1';
    await expect(pub.listServices().first()).rejects.toMatchObject({ code: 'malformed_response' });
  });
});

describe('verifyWebhook', () => {
  it('accepts a Standard Webhooks signature and refuses anything altered', () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const body = JSON.stringify({ type: 'consent.withdrawn', timestamp: new Date().toISOString(), data: { subjectRef: 's', consentId: 'c' } });
    const id = 'msg_1';
    const ts = new Date();
    const signature = new Webhook(secret).sign(id, ts, body);
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(ts.getTime() / 1000)), 'webhook-signature': signature };
    expect(verifyWebhook(body, headers, secret)).toMatchObject({ type: 'consent.withdrawn', data: { consentId: 'c' } });
    expect(verifyWebhook(new TextEncoder().encode(body), new Headers(headers), secret).type).toBe('consent.withdrawn');
    const reason = (f: () => unknown) => {
      try {
        f();
        return 'ok';
      } catch (e) {
        return e instanceof WebhookError ? e.reason : 'other';
      }
    };
    expect(reason(() => verifyWebhook(body.replace('withdrawn', 'granted'), headers, secret))).toBe('signature_invalid');
    expect(reason(() => verifyWebhook(body, { ...headers, 'webhook-id': 'msg_2' }, secret))).toBe('signature_invalid');
    expect(reason(() => verifyWebhook(body, headers, `whsec_${Buffer.from('another secret, 32 bytes long!!!').toString('base64')}`))).toBe('signature_invalid');
    expect(reason(() => verifyWebhook(body, { 'webhook-id': id }, secret))).toBe('missing_headers');
    const old = String(Math.floor(ts.getTime() / 1000) - 3600);
    expect(reason(() => verifyWebhook(body, { ...headers, 'webhook-timestamp': old, 'webhook-signature': new Webhook(secret).sign(id, new Date(Number(old) * 1000), body) }, secret))).toBe('signature_invalid');
  });
});
