/**
 * Conformance: a city service over HTTP — its token (private_key_jwt), a consent request the
 * citizen approves with the passkey (challenge bound to the terms), check and batch check
 * before and after a withdrawal, and signed webhooks delivered to a local receiver (from the
 * Cron Trigger on the Worker, from the timers on Node).
 */
import { createHash, randomUUID } from 'node:crypto';
import { verifyReceiptChain, verifyWebhook } from '@permis/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base, call, conf, eventually, type Json, type Receiver, registeredService, send, serviceToken, signUp, startReceiver } from './support/client.js';

describe(`a service (${conf.target})`, () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('refuses a token request with a bad assertion and gives one for its own key', async () => {
    const bad = await fetch(`${base}/v1/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: 'a.b.c' }),
    });
    // RFC 6749 §5.2: a client that fails to authenticate gets 401 invalid_client.
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as Json).error).toBe('invalid_client');
    const token = await serviceToken();
    expect(token.split('.')).toHaveLength(3);
    expect((await send('POST', '/v1/check', { subjectRef: 'x', purpose: 'y', dataCategory: 'z' })).status).toBe(401);
  });

  it('asks, the citizen approves with the passkey, checks permit; withdrawn → deny at once; webhooks arrive signed', async () => {
    const svc = await serviceToken();
    const hook = await call('PUT', '/v1/service/webhook', { url: receiver.url }, svc);
    const secret = (hook.secret as string | undefined) ?? ((await call('POST', '/v1/service/webhook/rotate-secret', undefined, svc)).secret as string);
    const me = await registeredService();
    const [purpose, category, other] = [(me.purposes as string[])[0]!, (me.categories as string[])[0]!, (me.categories as string[])[1]!];
    const subjectRef = `conf-${randomUUID().slice(0, 8)}`;
    const request = await call(
      'POST',
      '/v1/requests',
      {
        subjectRef,
        purposes: [purpose],
        dataCategories: [category],
        durationDays: 30,
        notice: { version: 'conf-1', texts: { ca: `Autoritzo ${conf.clientId} a tractar ${category}.`, en: `I allow ${conf.clientId} to process ${category}.` } },
      },
      svc,
    );
    expect(request.approvalUrl).toContain(request.id);
    const check = (dataCategory = category) => call('POST', '/v1/check', { subjectRef, purpose, dataCategory }, svc);
    expect(await check()).toMatchObject({ decision: 'deny' });

    const citizen = await signUp();
    const shown = await call('GET', `/v1/me/requests/${request.id}?lang=ca`, undefined, citizen.token);
    expect(shown.noticeText).toContain(category);
    const start = await call('POST', `/v1/me/requests/${request.id}/approval`, { language: 'ca' }, citizen.token);
    // The WebAuthn challenge is SHA-256(nonce ‖ termsHash): the passkey signs the terms.
    const challenge = createHash('sha256').update(Buffer.concat([Buffer.from(start.nonce, 'base64url'), Buffer.from(start.termsHash, 'base64url')])).digest('base64url');
    expect(start.options.challenge).toBe(challenge);
    const approved = await call('POST', `/v1/me/requests/${request.id}/approve`, { ceremonyId: start.ceremonyId, response: await citizen.authenticator.authenticate(start.options) }, citizen.token);
    const consentId = approved.consent.id as string;

    expect(await check()).toMatchObject({ decision: 'permit' });
    expect(await check(other)).toMatchObject({ decision: 'deny' });
    const batch = await call('POST', '/v1/check/batch', { items: [{ subjectRef, purpose, dataCategory: category }, { subjectRef, purpose, dataCategory: other }, { subjectRef: 'nobody', purpose, dataCategory: category }] }, svc);
    expect((batch.results as Json[]).map((r) => r.decision)).toEqual(['permit', 'deny', 'deny']);

    await call('POST', `/v1/me/consents/${consentId}/withdraw`, undefined, citizen.token);
    expect(await check()).toMatchObject({ decision: 'deny' });
    expect(((await call('POST', '/v1/check/batch', { items: [{ subjectRef, purpose, dataCategory: category }] }, svc)).results as Json[])[0]).toMatchObject({ decision: 'deny' });

    // The receipts carry the citizen's passkey signature over the terms; they verify with the JWKS.
    const jwks = await call('GET', '/.well-known/jwks.json');
    const receipts = (await call('GET', `/v1/service/consents/${consentId}/receipts`, undefined, svc)).items as { jws: string }[];
    const verified = await verifyReceiptChain(receipts.map((r) => r.jws), jwks as { keys: [] }, { issuer: base });
    expect(verified.map((v) => v.claims.event)).toEqual(['granted', 'withdrawn']);
    expect(verified[0]!.citizenSignature).toBeDefined();

    // Webhooks: granted and withdrawn for this subject, Standard Webhooks signatures verified.
    const types = await eventually('webhooks for the grant and the withdrawal', async () => {
      const ours: string[] = [];
      for (const m of receiver.received) {
        const event = verifyWebhook(m.body, m.headers, secret);
        if ((event.data as Json | undefined)?.subjectRef === subjectRef) ours.push(event.type);
      }
      return ours.includes('consent.granted') && ours.includes('consent.withdrawn') ? ours : undefined;
    });
    expect(types).toEqual(expect.arrayContaining(['consent.granted', 'consent.withdrawn']));
  });
});
