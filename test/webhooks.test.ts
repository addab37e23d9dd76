/**
 * Webhook delivery over real HTTP to a local receiver (a node:http server on 127.0.0.1):
 * Standard Webhooks signatures verified with the `standardwebhooks` package, retries with
 * the same webhook-id, a receiver that is down and comes back, backoff for at least 24 h,
 * secret rotation, timeouts, redirects, services without an endpoint, redelivery.
 * Outbox rows come from consents granted and changed through the citizen API.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConflictError, NotFoundError, PermisError, RuleError } from '../src/domain/errors.js';
import { MAX_WEBHOOK_ATTEMPTS } from '../src/domain/webhook-retry.js';
import { deliverWebhooks, type DeliverOptions } from '../src/jobs/webhook-delivery.js';
import { listDeliveries } from '../src/storage/webhook-deliveries-repo.js';
import { listFeed } from '../src/storage/webhook-feed.js';
import { redeliverMessage, removeWebhookEndpoint, rotateSecret, setWebhookEndpoint, type WebhookActor } from '../src/webhooks/manage-endpoint.js';
import { bearer, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { createTestService, grantBody, seedTestCatalogue } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/harness.js';

import type { Json } from './support/json.js';

/** One request the receiver got. */
interface Received {
  headers: Record<string, string>;
  body: string;
  path: string;
}

/** A real HTTP server on 127.0.0.1 that records webhook requests and answers as told. */
class Receiver {
  received: Received[] = [];
  /** Status for the next request; `'hang'` never answers. */
  respond: (r: Received) => number | 'hang' = () => 200;
  private server: Server | undefined;
  port = 0;

  async start(port = 0): Promise<this> {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
        const r: Received = { headers, body: Buffer.concat(chunks).toString('utf8'), path: req.url ?? '' };
        this.received.push(r);
        const status = this.respond(r);
        if (status === 'hang') return;
        res.writeHead(status, status >= 300 && status < 400 ? { location: `http://127.0.0.1:${this.port}/elsewhere` } : {});
        res.end(status < 300 ? 'ok' : 'no');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** `Webhook.verify` with the receiver's clock at `at` (the library checks the timestamp against Date.now()). */
function verifyAt(secret: string, r: Received, at: Date): Json {
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    vi.setSystemTime(at);
    return new Webhook(secret).verify(r.body, r.headers) as Json;
  } finally {
    vi.useRealTimers();
  }
}

let t: TestContext;
let alice: SignedInCitizen;
let receiver: Receiver;

const job = (opts: Partial<DeliverOptions> = {}) => deliverWebhooks(t.deps, { fetch: (u, i) => fetch(u, i), timeoutMs: 3000, ...opts });

async function newService(): Promise<WebhookActor> {
  const serviceId = await createTestService(t.db);
  const [row] = await t.db.query<{ client_id: string }>('select client_id from services where id = $1', [serviceId]);
  return { serviceId, clientId: row!.client_id };
}

async function call(method: string, path: string, body?: unknown) {
  const res = await t.app.request(path, { method, headers: bearer(alice.token), body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  expect(res.status, text).toBeLessThan(300);
  return JSON.parse(text) as Json;
}

const grant = async (serviceId: string) => (await call('POST', '/v1/me/consents', grantBody(serviceId, t.clock.now()))).consent as Json;

async function outboxOf(serviceId: string) {
  return t.db.query<{ id: string; event_type: string; delivery_status: string; attempts: number; next_attempt_at: Date }>(
    'select id, event_type, delivery_status, attempts, next_attempt_at from webhook_outbox where service_id = $1 order by id',
    [serviceId],
  );
}

/** Moves the clock to just after the message's next attempt is due. */
async function advanceToDue(messageId: string) {
  const [row] = await t.db.query<{ next_attempt_at: Date }>('select next_attempt_at from webhook_outbox where id = $1', [messageId]);
  const wait = row!.next_attempt_at.getTime() - t.clock.now().getTime();
  t.clock.advance(Math.max(0, wait) + 1);
}

beforeAll(async () => {
  t = await createTestContext({ config: { sessionTtlSeconds: 30 * 86_400 } });
  await seedTestCatalogue(t.db);
  alice = await signUpCitizen(t.app, t.config, { displayName: 'Alice' });
  receiver = await new Receiver().start();
});
afterAll(async () => {
  await receiver?.stop();
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});
beforeEach(async () => {
  receiver.received = [];
  receiver.respond = () => 200;
  // Leave nothing due from an earlier test.
  await t.db.query(`update webhook_outbox set delivery_status = 'delivered' where delivery_status = 'pending'`);
});

describe(`webhook delivery over HTTP (${ENGINE})`, () => {
  it('delivers a consent event signed so that standardwebhooks verifies it with the secret', async () => {
    const svc = await newService();
    const { secret, created } = await setWebhookEndpoint(t.deps, svc, receiver.url);
    expect(created).toBe(true);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const consent = await grant(svc.serviceId);

    const result = await job();
    expect(result).toMatchObject({ attempted: 1, delivered: 1, retrying: 0, failed: 0 });
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    const [msg] = await outboxOf(svc.serviceId);
    expect(got.headers['webhook-id']).toBe(msg!.id);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.path).toBe('/hooks');
    const payload = verifyAt(secret!, got, t.clock.now());
    expect(payload).toMatchObject({ type: 'consent.granted', data: { consentId: consent.id, subjectRef: consent.subjectRef, status: 'active' } });
    // A different secret, or a tampered body, does not verify.
    expect(() => verifyAt(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, got, t.clock.now())).toThrow(/signature/i);
    expect(() => verifyAt(secret!, { ...got, body: got.body.replace('active', 'paused') }, t.clock.now())).toThrow(/signature/i);

    expect((await outboxOf(svc.serviceId))[0]).toMatchObject({ delivery_status: 'delivered', attempts: 1 });
    const log = await listDeliveries(t.db, { serviceId: svc.serviceId, limit: 10 });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ messageId: msg!.id, statusCode: 200, error: null, outcome: 'delivered', attempt: 1, eventType: 'consent.granted' });
    expect(log[0]!.durationMs).toBeGreaterThanOrEqual(0);

    // Nothing is sent twice.
    expect(await job()).toMatchObject({ attempted: 0 });
    expect(receiver.received).toHaveLength(1);
  });

  it('retries a 500 after the backoff with the same webhook-id and a fresh signature', async () => {
    const svc = await newService();
    const { secret } = await setWebhookEndpoint(t.deps, svc, receiver.url);
    await grant(svc.serviceId);
    const [msg] = await outboxOf(svc.serviceId);
    let calls = 0;
    receiver.respond = () => (++calls <= 2 ? 500 : 204);

    expect(await job()).toMatchObject({ attempted: 1, retrying: 1 });
    // Not due yet: nothing is sent.
    expect(await job()).toMatchObject({ attempted: 0 });
    const [row] = await outboxOf(svc.serviceId);
    const wait = row!.next_attempt_at.getTime() - t.clock.now().getTime();
    expect(wait).toBeGreaterThanOrEqual(4000); // 5 s ± 20 %
    expect(wait).toBeLessThanOrEqual(6000);
    await advanceToDue(msg!.id);
    expect(await job()).toMatchObject({ attempted: 1, retrying: 1 });
    await advanceToDue(msg!.id);
    expect(await job()).toMatchObject({ attempted: 1, delivered: 1 });

    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([msg!.id]));
    expect(new Set(receiver.received.map((r) => r.headers['webhook-timestamp'])).size).toBe(3);
    for (const r of receiver.received) {
      expect(verifyAt(secret!, r, new Date(Number(r.headers['webhook-timestamp']) * 1000))).toMatchObject({ type: 'consent.granted' });
    }
    const log = await listDeliveries(t.db, { serviceId: svc.serviceId, limit: 10 });
    expect(log.map((d) => [d.attempt, d.statusCode, d.outcome])).toEqual([
      [3, 204, 'delivered'],
      [2, 500, 'retrying'],
      [1, 500, 'retrying'],
    ]);
  });

  it('a receiver that is down and comes back gets every event', async () => {
    const svc = await newService();
    const { secret } = await setWebhookEndpoint(t.deps, svc, receiver.url);
    const port = receiver.port;
    await receiver.stop();
    const consent = await grant(svc.serviceId);
    await call('POST', `/v1/me/consents/${consent.id}/pause`);
    await call('POST', `/v1/me/consents/${consent.id}/withdraw`, { reason: 'no longer needed' });
    const messages = await outboxOf(svc.serviceId);
    expect(messages.map((m) => m.event_type)).toEqual(['consent.granted', 'consent.paused', 'consent.withdrawn']);

    const down = await job();
    expect(down).toMatchObject({ attempted: 3, retrying: 3, delivered: 0 });
    const log = await listDeliveries(t.db, { serviceId: svc.serviceId, limit: 10 });
    expect(log.every((d) => d.statusCode === null && /^network error/.test(d.error ?? ''))).toBe(true);

    t.clock.advance(60_000);
    const again = await job();
    expect(again).toMatchObject({ attempted: 3, retrying: 3 });

    await receiver.start(port);
    for (const m of messages) await advanceToDue(m.id);
    expect(await job()).toMatchObject({ attempted: 3, delivered: 3 });
    expect(receiver.received.map((r) => r.headers['webhook-id']).sort()).toEqual(messages.map((m) => m.id).sort());
    const types = receiver.received.map((r) => verifyAt(secret!, r, t.clock.now()).type).sort();
    expect(types).toEqual(['consent.granted', 'consent.paused', 'consent.withdrawn']);
    expect((await outboxOf(svc.serviceId)).every((m) => m.delivery_status === 'delivered' && m.attempts === 3)).toBe(true);
  });

  it('keeps retrying for at least 24 hours, then gives up; the event stays in the feed and the log', async () => {
    const svc = await newService();
    await setWebhookEndpoint(t.deps, svc, receiver.url);
    await grant(svc.serviceId);
    const [msg] = await outboxOf(svc.serviceId);
    receiver.respond = () => 503;
    const first = t.clock.now().getTime();
    for (let i = 1; i <= MAX_WEBHOOK_ATTEMPTS; i++) {
      const r = await job();
      expect(r.attempted, `attempt ${i}`).toBe(1);
      if (i < MAX_WEBHOOK_ATTEMPTS) await advanceToDue(msg!.id);
    }
    const lastAttempt = t.clock.now().getTime();
    expect(lastAttempt - first).toBeGreaterThanOrEqual(24 * 3600 * 1000);
    expect((await outboxOf(svc.serviceId))[0]).toMatchObject({ delivery_status: 'failed', attempts: MAX_WEBHOOK_ATTEMPTS });
    t.clock.advance(7 * 86_400_000);
    expect(await job()).toMatchObject({ attempted: 0 });
    expect(receiver.received).toHaveLength(MAX_WEBHOOK_ATTEMPTS);
    const log = await listDeliveries(t.db, { serviceId: svc.serviceId, limit: 50 });
    expect(log).toHaveLength(MAX_WEBHOOK_ATTEMPTS);
    expect(log[0]).toMatchObject({ outcome: 'failed', statusCode: 503, nextAttemptAt: null });
    // Each wait was longer than the one before, up to the 8 h cap.
    const times = log.map((d) => d.attemptedAt.getTime()).reverse();
    const gaps = times.slice(1).map((x, i) => x - times[i]!);
    expect(gaps[0]).toBeLessThan(10_000);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(8 * 3600 * 1000 * 1.2 + 2);
    expect(gaps[6]!).toBeGreaterThan(gaps[0]! * 100);
    const feed = await listFeed(t.db, { serviceId: svc.serviceId, after: 0n, limit: 10 });
    expect(feed.map((f) => f.id)).toEqual([msg!.id]);
  });

  it('signs with both secrets for 24 h after a rotation, then only with the new one', async () => {
    const svc = await newService();
    const { secret: oldSecret } = await setWebhookEndpoint(t.deps, svc, receiver.url);
    const { secret: newSecret, endpoint } = await rotateSecret(t.deps, svc);
    expect(newSecret).not.toBe(oldSecret);
    expect(endpoint.previousSecretExpiresAt!.getTime() - t.clock.now().getTime()).toBe(24 * 3600 * 1000);

    await grant(svc.serviceId);
    await job();
    const during = receiver.received[0]!;
    expect(during.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(verifyAt(oldSecret!, during, t.clock.now())).toMatchObject({ type: 'consent.granted' });
    expect(verifyAt(newSecret, during, t.clock.now())).toMatchObject({ type: 'consent.granted' });

    t.clock.advance(24 * 3600 * 1000 + 1000);
    await grant(svc.serviceId);
    await job();
    const after = receiver.received[1]!;
    expect(after.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(verifyAt(newSecret, after, t.clock.now())).toMatchObject({ type: 'consent.granted' });
    expect(() => verifyAt(oldSecret!, after, t.clock.now())).toThrow(/signature/i);
  });

  it('gives up on a receiver that does not answer within the timeout, and does not follow redirects', async () => {
    const svc = await newService();
    await setWebhookEndpoint(t.deps, svc, receiver.url);
    await grant(svc.serviceId);
    receiver.respond = () => 'hang';
    const started = Date.now();
    expect(await job({ timeoutMs: 300 })).toMatchObject({ attempted: 1, retrying: 1 });
    expect(Date.now() - started).toBeLessThan(2500);
    let [d] = await listDeliveries(t.db, { serviceId: svc.serviceId, limit: 1 });
    expect(d).toMatchObject({ statusCode: null, outcome: 'retrying' });
    expect(d!.error).toMatch(/^timeout/);

    const [msg] = await outboxOf(svc.serviceId);
    await advanceToDue(msg!.id);
    receiver.respond = (r) => (r.path === '/hooks' ? 302 : 200);
    expect(await job()).toMatchObject({ attempted: 1, retrying: 1 });
    [d] = await listDeliveries(t.db, { serviceId: svc.serviceId, limit: 1 });
    expect(d).toMatchObject({ statusCode: 302, outcome: 'retrying' });
    expect(receiver.received.map((r) => r.path)).toEqual(['/hooks', '/hooks']);
  });

  it('does not send events of a service without an endpoint; they are only in the feed', async () => {
    const svc = await newService();
    await grant(svc.serviceId);
    const r = await job();
    expect(r).toMatchObject({ attempted: 0 });
    expect(r.unroutable).toBeGreaterThanOrEqual(1);
    expect(receiver.received).toHaveLength(0);
    const [msg] = await outboxOf(svc.serviceId);
    expect(msg).toMatchObject({ delivery_status: 'no_endpoint', attempts: 0 });
    expect((await listFeed(t.db, { serviceId: svc.serviceId, after: 0n, limit: 10 })).map((f) => f.id)).toEqual([msg!.id]);

    // Removing the endpoint stops delivery of later events too.
    await setWebhookEndpoint(t.deps, svc, receiver.url);
    await removeWebhookEndpoint(t.deps, svc);
    await grant(svc.serviceId);
    expect(await job()).toMatchObject({ attempted: 0 });
    expect(receiver.received).toHaveLength(0);
  });

  it('redelivers on request with the same webhook-id; another service can neither see nor redeliver it', async () => {
    const svc = await newService();
    const other = await newService();
    await setWebhookEndpoint(t.deps, svc, receiver.url);
    await setWebhookEndpoint(t.deps, other, receiver.url);
    await grant(svc.serviceId);
    await job();
    const [msg] = await outboxOf(svc.serviceId);
    expect(msg!.delivery_status).toBe('delivered');

    const err = await redeliverMessage(t.deps, other, msg!.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermisError);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(await listDeliveries(t.db, { serviceId: other.serviceId, limit: 10 })).toEqual([]);
    expect(await listDeliveries(t.db, { serviceId: other.serviceId, messageId: msg!.id, limit: 10 })).toEqual([]);

    const out = await redeliverMessage(t.deps, svc, msg!.id);
    expect(out.status).toBe('pending');
    expect(await job()).toMatchObject({ attempted: 1, delivered: 1 });
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([msg!.id, msg!.id]);
    const log = await listDeliveries(t.db, { serviceId: svc.serviceId, messageId: msg!.id, limit: 10 });
    expect(log.map((d) => [d.attempt, d.outcome])).toEqual([
      [1, 'delivered'],
      [1, 'delivered'],
    ]);
    const audit = await t.db.query<{ type: string }>(`select type from audit_events where service_id = $1 and type like 'webhook.%' order by seq`, [
      svc.serviceId,
    ]);
    expect(audit.map((a) => a.type)).toEqual(['webhook.endpoint_created', 'webhook.redelivery_requested']);

    // Without an endpoint there is nothing to redeliver to.
    await removeWebhookEndpoint(t.deps, svc);
    const conflict = await redeliverMessage(t.deps, svc, msg!.id).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect(conflict).toMatchObject({ code: 'webhook_not_configured' });
  });

  it('concurrent delivery jobs never send a message twice', async () => {
    const svc = await newService();
    await setWebhookEndpoint(t.deps, svc, receiver.url);
    for (let i = 0; i < 6; i++) await grant(svc.serviceId);
    const results = await Promise.all([job({ batch: 4 }), job({ batch: 4 }), job({ batch: 4 })]);
    // A job may find messages row-locked by another job's feed sequencing (sequenceFeed) and
    // skip them (`skip locked`): they are left for the next run, not lost, and never sent twice.
    const after = await job({ batch: 4 });
    expect(results.reduce((n, r) => n + r.delivered, 0) + after.delivered).toBe(6);
    expect([...results, after].reduce((n, r) => n + r.attempted, 0)).toBe(6);
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(6);
    expect(ids).toHaveLength(6);
  });

  it('refuses endpoint URLs that point into private networks', async () => {
    const svc = await newService();
    for (const url of ['https://10.0.0.8/hook', 'https://169.254.169.254/latest', 'https://[fd12::1]/', 'http://example.com/hook', 'https://192.168.1.2/']) {
      const err = await setWebhookEndpoint(t.deps, svc, url).catch((e: unknown) => e);
      expect(err, url).toBeInstanceOf(RuleError);
      expect(err, url).toMatchObject({ code: 'webhook_url_refused' });
    }
    const rows = await t.db.query('select 1 from webhook_endpoints where service_id = $1', [svc.serviceId]);
    expect(rows).toHaveLength(0);
  });
});
