/**
 * The service-facing webhook API and events feed over HTTP, with real service tokens from
 * the token endpoint: endpoint set/read/rotate/delete, SSRF refusals, scopes, the delivery
 * log and redelivery, the events feed, and isolation between services (404, never leaks).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deliverWebhooks } from '../src/jobs/webhook-delivery.js';
import { bearer, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { expectProblem } from './support/expect-problem.js';
import { grantBody } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { createServiceWithKey, getServiceToken, serviceBearer, type TestService } from './support/service-client.js';

import type { Json } from './support/json.js';

let t: TestContext;
let alice: SignedInCitizen;
let a: TestService;
let b: TestService;
let tokenA: string;
let tokenB: string;
let server: Server;
let hookUrl: string;
const received: { headers: Record<string, string>; body: string }[] = [];

const api = async (token: string | null, method: string, path: string, body?: unknown) =>
  t.app.request(path, {
    method,
    headers: token ? serviceBearer(token) : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
const ok = async (res: Response, status = 200): Promise<Json> => {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as Json;
};
const job = () => deliverWebhooks(t.deps, { fetch: (u, i) => fetch(u, i), timeoutMs: 3000 });

async function grantTo(svc: TestService): Promise<Json> {
  const res = await t.app.request('/v1/me/consents', { method: 'POST', headers: bearer(alice.token), body: JSON.stringify(grantBody(svc.id, t.clock.now())) });
  return ((await ok(res, 201)) as Json).consent;
}

beforeAll(async () => {
  t = await createTestContext();
  a = await createServiceWithKey(t);
  b = await createServiceWithKey(t);
  tokenA = await getServiceToken(t.app, a);
  tokenB = await getServiceToken(t.app, b);
  alice = await signUpCitizen(t.app, t.config);
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/permis`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

describe(`service webhook API (${ENGINE})`, () => {
  it('needs a service token with the webhooks scope', async () => {
    await expectProblem(await api(null, 'GET', '/v1/service/webhook'), 401, 'unauthenticated');
    await expectProblem(await api(null, 'GET', '/v1/service/events'), 401, 'unauthenticated');
    const checkOnly = await getServiceToken(t.app, a, { scope: 'consents:check' });
    for (const [method, path] of [
      ['PUT', '/v1/service/webhook'],
      ['GET', '/v1/service/webhook'],
      ['POST', '/v1/service/webhook/rotate-secret'],
      ['DELETE', '/v1/service/webhook'],
      ['GET', '/v1/service/webhook/deliveries'],
      ['GET', '/v1/service/events'],
    ] as const) {
      await expectProblem(await api(checkOnly, method, path, method === 'PUT' ? { url: hookUrl } : undefined), 403, 'insufficient_scope');
    }
  });

  it('refuses URLs into private networks and bad bodies with 400 problems', async () => {
    for (const url of ['https://10.1.2.3/x', 'https://172.20.0.1/', 'https://192.168.0.10/', 'https://169.254.169.254/latest/meta-data', 'https://[fd00::5]/', 'https://[::ffff:192.168.1.1]/', 'http://ajuts.example.cat/hook', 'ftp://example.cat/']) {
      const body = await expectProblem(await api(tokenA, 'PUT', '/v1/service/webhook', { url }), 400, 'webhook_url_refused');
      expect(body.detail, url).toMatch(/refused/);
    }
    await expectProblem(await api(tokenA, 'PUT', '/v1/service/webhook', { url: hookUrl, extra: 1 }), 400, 'validation_failed');
    await expectProblem(await api(tokenA, 'PUT', '/v1/service/webhook', { url: 42 }), 400, 'validation_failed');
    await expectProblem(await api(tokenA, 'PUT', '/v1/service/webhook', { url: `https://x.cat/${'a'.repeat(3000)}` }), 400, 'validation_failed');
    await expectProblem(await api(tokenA, 'PUT', '/v1/service/webhook', '{'), 400, 'malformed_json');
    await expectProblem(await api(tokenA, 'GET', '/v1/service/webhook'), 404, 'not_found');
  });

  it('shows the secret once on creation, never on reads or URL changes, and once more on rotation', async () => {
    const created = await ok(await api(tokenA, 'PUT', '/v1/service/webhook', { url: 'https://ajuts.example.cat/hooks' }), 201);
    expect(created.secret).toMatch(/^whsec_/);
    expect(created).toMatchObject({ url: 'https://ajuts.example.cat/hooks', secretRotatedAt: null, previousSecretExpiresAt: null });
    const read = await ok(await api(tokenA, 'GET', '/v1/service/webhook'));
    expect(read).not.toHaveProperty('secret');
    expect(JSON.stringify(read)).not.toContain(created.secret);
    const changed = await ok(await api(tokenA, 'PUT', '/v1/service/webhook', { url: hookUrl }));
    expect(changed).not.toHaveProperty('secret');
    expect(changed.url).toBe(hookUrl);
    // Service B sees nothing of A's endpoint.
    await expectProblem(await api(tokenB, 'GET', '/v1/service/webhook'), 404, 'not_found');

    const rotated = await ok(await api(tokenA, 'POST', '/v1/service/webhook/rotate-secret'));
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    expect(Date.parse(rotated.previousSecretExpiresAt) - t.clock.now().getTime()).toBe(24 * 3600 * 1000);

    // A delivery now verifies with either secret.
    received.length = 0;
    await grantTo(a);
    await job();
    expect(received).toHaveLength(1);
    for (const secret of [created.secret, rotated.secret]) {
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(t.clock.now());
        expect(new Webhook(secret).verify(received[0]!.body, received[0]!.headers)).toMatchObject({ type: 'consent.granted' });
      } finally {
        vi.useRealTimers();
      }
    }
  });

  it('lists the delivery log and redelivers only for the service that owns the message', async () => {
    await grantTo(a);
    await job();
    const log = await ok(await api(tokenA, 'GET', '/v1/service/webhook/deliveries?limit=1'));
    expect(log.items).toHaveLength(1);
    expect(log.items[0]).toMatchObject({ statusCode: 200, error: null, outcome: 'delivered', attempt: 1, url: hookUrl, eventType: 'consent.granted' });
    expect(log.items[0].durationMs).toBeGreaterThanOrEqual(0);
    expect(log.nextCursor).toEqual(expect.any(String));
    const page2 = await ok(await api(tokenA, 'GET', `/v1/service/webhook/deliveries?limit=1&cursor=${log.nextCursor}`));
    expect(page2.items[0].id).not.toBe(log.items[0].id);
    const messageId = log.items[0].messageId as string;

    // B cannot see or redeliver A's messages.
    expect((await ok(await api(tokenB, 'GET', '/v1/service/webhook/deliveries'))).items).toEqual([]);
    expect((await ok(await api(tokenB, 'GET', `/v1/service/webhook/deliveries?messageId=${messageId}`))).items).toEqual([]);
    await ok(await api(tokenB, 'PUT', '/v1/service/webhook', { url: hookUrl }), 201);
    await expectProblem(await api(tokenB, 'POST', `/v1/service/webhook/deliveries/${messageId}/redeliver`), 404, 'not_found');

    received.length = 0;
    const queued = await ok(await api(tokenA, 'POST', `/v1/service/webhook/deliveries/${messageId}/redeliver`), 202);
    expect(queued).toMatchObject({ messageId, status: 'pending' });
    await job();
    expect(received.map((r) => r.headers['webhook-id'])).toEqual([messageId]);
    const again = await ok(await api(tokenA, 'GET', `/v1/service/webhook/deliveries?messageId=${messageId}`));
    expect(again.items).toHaveLength(2);

    await expectProblem(await api(tokenA, 'POST', '/v1/service/webhook/deliveries/01938f2e-8a4b-7c3d-9e5f-0a1b2c3d4e5f/redeliver'), 404, 'not_found');
    await expectProblem(await api(tokenA, 'POST', '/v1/service/webhook/deliveries/nope/redeliver'), 400, 'validation_failed');
    await expectProblem(await api(tokenA, 'GET', '/v1/service/webhook/deliveries?cursor=bad!'), 400, 'validation_failed');
    await expectProblem(await api(tokenA, 'GET', '/v1/service/webhook/deliveries?limit=0'), 400, 'validation_failed');
    await expectProblem(await api(tokenA, 'GET', '/v1/service/webhook/deliveries?other=1'), 400, 'validation_failed');
  });

  it('serves every event of the service exactly once across feed pages, and none of another service', async () => {
    const fresh = await createServiceWithKey(t);
    const token = await getServiceToken(t.app, fresh);
    const empty = await ok(await api(token, 'GET', '/v1/service/events'));
    expect(empty).toMatchObject({ items: [], hasMore: false });
    const c1 = await grantTo(fresh);
    const c2 = await grantTo(fresh);
    await t.app.request(`/v1/me/consents/${c1.id}/withdraw`, { method: 'POST', headers: bearer(alice.token) });
    await grantTo(b); // another service's event

    const seen: Json[] = [];
    let cursor = empty.nextCursor as string;
    for (let i = 0; i < 10; i++) {
      const page = await ok(await api(token, 'GET', `/v1/service/events?limit=2&cursor=${cursor}`));
      seen.push(...page.items);
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    expect(seen.map((e) => [e.type, e.data.consentId])).toEqual([
      ['consent.granted', c1.id],
      ['consent.granted', c2.id],
      ['consent.withdrawn', c1.id],
    ]);
    expect(new Set(seen.map((e) => e.id)).size).toBe(3);
    const outbox = await t.db.query<{ id: string }>('select id from webhook_outbox where service_id = $1', [fresh.id]);
    expect(seen.map((e) => e.id).sort()).toEqual(outbox.map((o) => o.id).sort());
    // Polling from the last cursor: nothing new, then exactly the new event.
    expect((await ok(await api(token, 'GET', `/v1/service/events?cursor=${cursor}`))).items).toEqual([]);
    await t.app.request(`/v1/me/consents/${c2.id}/pause`, { method: 'POST', headers: bearer(alice.token) });
    const next = await ok(await api(token, 'GET', `/v1/service/events?cursor=${cursor}`));
    expect(next.items.map((e: Json) => e.type)).toEqual(['consent.paused']);

    await expectProblem(await api(token, 'GET', '/v1/service/events?cursor=not-ours'), 400, 'validation_failed');
    await expectProblem(await api(token, 'GET', '/v1/service/events?limit=501'), 400, 'validation_failed');
  });

  it('deletes the endpoint; then reads, rotations and deletes are 404', async () => {
    await ok(await api(tokenA, 'DELETE', '/v1/service/webhook'), 204);
    await expectProblem(await api(tokenA, 'GET', '/v1/service/webhook'), 404, 'not_found');
    await expectProblem(await api(tokenA, 'POST', '/v1/service/webhook/rotate-secret'), 404, 'not_found');
    await expectProblem(await api(tokenA, 'DELETE', '/v1/service/webhook'), 404, 'not_found');
    const messageId = (await t.db.query<{ id: string }>('select id from webhook_outbox where service_id = $1 limit 1', [a.id]))[0]!.id;
    await expectProblem(await api(tokenA, 'POST', `/v1/service/webhook/deliveries/${messageId}/redeliver`), 409, 'webhook_not_configured');
    // A new endpoint gets a new secret.
    const again = await ok(await api(tokenA, 'PUT', '/v1/service/webhook', { url: hookUrl }), 201);
    expect(again.secret).toMatch(/^whsec_/);
    const audit = await t.db.query<{ type: string }>(`select type from audit_events where service_id = $1 and type like 'webhook.%' order by seq`, [a.id]);
    expect(audit.map((r) => r.type)).toEqual([
      'webhook.endpoint_created',
      'webhook.endpoint_updated',
      'webhook.secret_rotated',
      'webhook.redelivery_requested',
      'webhook.endpoint_deleted',
      'webhook.endpoint_created',
    ]);
  });
});
