/**
 * Contract: the service client against the real app in-process — tokens with the service's
 * own key, requests, the check, consents, revocation, webhooks (real deliveries verified with
 * the SDK) and the events feed. Every operation of the service client must succeed at least once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSoftAuthenticator } from '../../src/devtools/soft-authenticator.js';
import { deliverWebhooks } from '../../src/jobs/webhook-delivery.js';
import { createCitizenClient, createServiceClient, isPermisError, type ServiceClient, serviceOperations, verifyReceipt, verifyReceiptChain, type JwkSet } from '../src/index.js';
import { contractContext, createServiceWithKey, privateJwkOf, privatePemOf, type TestContext, type TestService } from './support/contract.js';

let t: TestContext;
let rec: Awaited<ReturnType<typeof contractContext>>['rec'];
let base: Awaited<ReturnType<typeof contractContext>>['base'];
let svc: TestService;
let service: ServiceClient;
const sent: { url: string; headers: Record<string, string>; body: string }[] = [];

beforeAll(async () => {
  ({ t, rec, base } = await contractContext());
  svc = await createServiceWithKey(t);
  service = createServiceClient({ ...base, clientId: svc.clientId, privateKey: await privateJwkOf(svc), now: () => t.clock.now().getTime() });
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

const deliver = () =>
  deliverWebhooks(t.deps, {
    fetch: async (url, init) => {
      sent.push({ url, headers: Object.fromEntries(new Headers(init.headers).entries()), body: String(init.body) });
      return new Response(null, { status: 204 });
    },
  });

function citizen() {
  const authenticator = createSoftAuthenticator({ alg: 'ES256', origin: t.config.publicUrl, rpId: t.config.rpId });
  const client = createCitizenClient(base);
  return { client, authenticator, signUp: () => client.signUp('Núria', (o) => authenticator.register(o as never)) };
}

const ask = (subjectRef: string) =>
  service.requestConsent({
    subjectRef,
    purposes: ['t-benefits'],
    dataCategories: ['t-address'],
    durationDays: 90,
    notice: { version: 'sdk-1', texts: { ca: 'Autoritzo la consulta de la meva adreça.', en: 'I allow my address to be looked up.' } },
  });

describe('service client, contract', () => {
  it('request → passkey approval → permit → withdraw → deny, with verified receipts', async () => {
    const hook = await service.setWebhook('http://127.0.0.1:9/permis');
    expect(hook.secret).toMatch(/^whsec_/);
    const secret = hook.secret!;
    expect((await service.getWebhook()).url).toBe('http://127.0.0.1:9/permis');

    const subjectRef = `sdk-${Date.now()}`;
    const check = () => service.check({ subjectRef, purpose: 't-benefits', dataCategory: 't-address' });
    expect(await check()).toMatchObject({ decision: 'deny', reason: 'no_consent' });
    const request = await ask(subjectRef);
    expect(request).toMatchObject({ status: 'pending', subjectRef });
    expect((await service.getRequest(request.id)).id).toBe(request.id);
    expect((await service.listRequests({ status: 'pending' }).first()).map((r) => r.id)).toContain(request.id);

    const { client: me, authenticator, signUp } = citizen();
    await signUp();
    expect((await me.getRequest(request.id, { lang: 'en' })).noticeText).toContain('address');
    const approved = await me.approve(request.id, (o) => authenticator.authenticate(o as never), { language: 'en' });
    const jwks = (await service.public.jwks()) as JwkSet;
    const verified = await verifyReceipt(approved.receipt.jws, jwks, { issuer: t.config.publicUrl, origin: t.config.publicUrl, rpId: t.config.rpId });
    expect(verified.citizenSignature).toMatchObject({ alg: 'ES256' });
    // Decided requests are listed for the citizen.
    expect((await me.listRequests().first()).map((r) => r.id)).toContain(request.id);

    expect(await check()).toMatchObject({ decision: 'permit', consentId: approved.consent.id });
    const many = await service.checkMany([
      { subjectRef, purpose: 't-benefits', dataCategory: 't-address' },
      { subjectRef, purpose: 't-research', dataCategory: 't-address' },
      { subjectRef: `${subjectRef}-nobody`, purpose: 't-benefits', dataCategory: 't-address' },
    ]);
    expect(many.map((r) => r.reason ?? r.decision)).toEqual(['permit', 'purpose_not_covered', 'no_consent']);

    expect((await service.listConsents({ subjectRef }).first()).map((c) => c.id)).toEqual([approved.consent.id]);
    expect((await service.getConsent(approved.consent.id)).status).toBe('active');

    await me.withdrawConsent(approved.consent.id, { reason: 'changed my mind' });
    expect(await check()).toMatchObject({ decision: 'deny', reason: 'withdrawn' });
    const receipts = await service.getConsentReceipts(approved.consent.id);
    const chain = await verifyReceiptChain(receipts.map((r) => r.jws), jwks, { issuer: t.config.publicUrl });
    expect(chain.map((r) => r.claims.status)).toEqual(['active', 'withdrawn']);

    // Webhooks: delivered for real, verified with the SDK; the old secret still verifies after rotation.
    await deliver();
    const ours = sent.filter((m) => m.body.includes(subjectRef));
    const events = ours.map((m) => service.verifyWebhook(m.body, m.headers, secret));
    expect(events.map((e) => e.type).sort()).toEqual(['consent.granted', 'consent.withdrawn', 'request.approved']);
    const rotated = await service.rotateWebhookSecret();
    expect(rotated.secret).not.toBe(secret);
    const deliveries = await service.listWebhookDeliveries().first();
    expect(deliveries.length).toBeGreaterThanOrEqual(3);
    const again = await service.redeliverWebhook(deliveries[0]!.messageId);
    expect(again).toBeTruthy();

    // The events feed: every event in commit order, resumable from its cursor.
    const feed = service.events({ limit: 2 });
    const seen: string[] = [];
    for await (const e of feed) if ((e.data as { subjectRef?: string }).subjectRef === subjectRef) seen.push(e.type);
    expect(seen.slice(0, 2).sort()).toEqual(['consent.granted', 'request.approved']); // one transaction
    expect(seen[2]).toBe('consent.withdrawn');
    expect(feed.cursor).toBeTruthy();
    const after: unknown[] = [];
    for await (const e of service.events({ cursor: feed.cursor! })) after.push(e);
    expect(after).toEqual([]);
  });

  it('cancels a request and revokes a consent', async () => {
    const cancelled = await service.cancelRequest((await ask(`sdk-c-${Date.now()}`)).id);
    expect(cancelled.status).toBe('cancelled');
    await expect(service.cancelRequest(cancelled.id)).rejects.toMatchObject({ name: 'PermisError', code: 'request_not_pending', status: 409 });

    const subjectRef = `sdk-r-${Date.now()}`;
    const { client: me, authenticator, signUp } = citizen();
    await signUp();
    const approved = await me.approve((await ask(subjectRef)).id, (o) => authenticator.authenticate(o as never));
    const revoked = await service.revokeConsent(approved.consent.id, { reason: 'The benefit was closed.' });
    expect(revoked.consent.status).toBe('revoked');
    expect(await service.check({ subjectRef, purpose: 't-benefits', dataCategory: 't-address' })).toMatchObject({ decision: 'deny', reason: 'revoked' });
    await service.deleteWebhook();
    const gone = await service.getWebhook().catch((e: unknown) => e);
    expect(isPermisError(gone, 'webhook_not_configured') || isPermisError(gone, 'not_found')).toBe(true);
  });

  it('authenticates with a PEM key and with scopes, and problems carry their code', async () => {
    const other = await createServiceWithKey(t, { es256: true });
    const pem = createServiceClient({ ...base, clientId: other.clientId, privateKey: await privatePemOf(other, 1), keyId: other.keys[1]!.kid, alg: 'ES256', now: () => t.clock.now().getTime(), scopes: ['consents:check'] });
    expect((await pem.check({ subjectRef: 'x', purpose: 't-benefits', dataCategory: 't-address' })).decision).toBe('deny');
    const err = await pem.listConsents().first().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'insufficient_scope', status: 403 });
    const bad = await service.check({ subjectRef: 'x', purpose: 'NOT A CODE' }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'validation_failed', status: 400 });
    expect(isPermisError(bad) && bad.problem?.errors?.length).toBeTruthy();
    // A key the server does not know: the token endpoint's RFC 6749 error.
    const stranger = createServiceClient({ ...base, clientId: other.clientId, privateKey: await privateJwkOf(svc), now: () => t.clock.now().getTime() });
    await expect(stranger.check({ subjectRef: 'x', purpose: 't-benefits' })).rejects.toMatchObject({ code: 'oauth_error', oauthError: { error: 'invalid_client' } });
  });

  it('splits checkMany past 1,000 and keeps the order', async () => {
    const items = Array.from({ length: 1203 }, (_, i) => ({ subjectRef: `many-${i}`, purpose: i % 2 ? 't-benefits' : 't-research', dataCategory: 't-address' }));
    const before = rec.called.get('POST /v1/check/batch')?.length ?? 0;
    const results = await service.checkMany(items);
    expect(results).toHaveLength(1203);
    expect(results.every((r) => r.decision === 'deny' && r.reason === 'no_consent')).toBe(true);
    expect((rec.called.get('POST /v1/check/batch')?.length ?? 0) - before).toBe(2);
    expect(await service.checkMany([])).toEqual([]);
  });

  it('asks the person to renew a consent that ends within 60 days', async () => {
    const subjectRef = `sdk-n-${Date.now()}`;
    const { client: me, authenticator, signUp } = citizen();
    await signUp();
    const request = await service.requestConsent({ subjectRef, purposes: ['t-benefits'], dataCategories: ['t-address'], durationDays: 30, notice: { version: 'sdk-1', texts: { ca: 'Autoritzo la consulta de la meva adreça.' } } });
    const approved = await me.approve(request.id, (o) => authenticator.authenticate(o as never));
    const asked = await service.requestRenewal(approved.consent.id);
    expect(asked).toMatchObject({ consentId: approved.consent.id, status: 'pending', validUntil: approved.consent.validUntil });
    expect((await service.requestRenewal(approved.consent.id)).id).toBe(asked.id);
    expect((await me.listNotifications().first()).map((n) => n.type)).toContain('consent.renewal_requested');
  });

  it('covers every operation of the service client', () => {
    rec.expectCovered(serviceOperations);
  });
});
