import { createHash, createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpired } from '../src/jobs/expiry-sweep.js';
import { bearer, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { fetchJwks, termsHashOf, verifyReceipt } from './support/receipts.js';
import { approveConsentRequest, createConsentRequest, requestBody, send } from './support/requests.js';
import { createServiceWithKey, getServiceToken, serviceBearer, type TestService } from './support/service-client.js';

import type { Json } from './support/json.js';

let t: TestContext;
let svc: TestService;
let other: TestService;
let token: string;
let otherToken: string;
let alice: SignedInCitizen;
let bob: SignedInCitizen;
let n = 0;
const ref = () => `exp-${Date.now()}-${n++}`;
const check = (tok: string, subjectRef: string, extra: Record<string, unknown> = {}) =>
  send(t, 'POST', '/v1/check', serviceBearer(tok), { subjectRef, purpose: 't-benefits', dataCategory: 't-address', ...extra });

beforeAll(async () => {
  t = await createTestContext({ config: { sessionTtlSeconds: 40 * 86_400 } });
  svc = await createServiceWithKey(t);
  other = await createServiceWithKey(t);
  token = await getServiceToken(t.app, svc);
  otherToken = await getServiceToken(t.app, other);
  alice = await signUpCitizen(t.app, t.config, { displayName: 'Alice' });
  bob = await signUpCitizen(t.app, t.config, { displayName: 'Bob', alg: 'Ed25519' });
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

describe(`consent requests and the check on ${ENGINE}`, () => {
  it('request → passkey approval bound to the terms → permit → withdraw → deny', async () => {
    const subjectRef = ref();
    expect((await check(token, subjectRef)).body).toMatchObject({ decision: 'deny', reason: 'no_consent' });
    const req = await createConsentRequest(t, token, subjectRef);
    expect(req).toMatchObject({ status: 'pending', subjectRef, approvalUrl: `${t.config.publicUrl}/requests/${req.id}` });

    const shown = await send(t, 'GET', `/v1/me/requests/${req.id}?lang=es`, bearer(alice.token));
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ language: 'es', noticeText: expect.stringContaining('Autorizo'), service: { name: 'Servicio de prueba' } });
    expect(shown.body.subjectRef).toBeUndefined();
    expect(shown.body.purposeTerms[0]).toMatchObject({ code: 't-benefits' });

    // The ceremony: the challenge commits to the terms, and anyone can recompute it.
    const start = await send(t, 'POST', `/v1/me/requests/${req.id}/approval`, bearer(alice.token), { language: 'es' });
    expect(start.status).toBe(200);
    expect(termsHashOf(start.body.terms)).toBe(start.body.termsHash);
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from(start.body.nonce, 'base64url'), Buffer.from(start.body.termsHash, 'base64url')]))
      .digest('base64url');
    expect(start.body.options.challenge).toBe(expected);
    expect(start.body.terms).toMatchObject({ subjectRef, collectionMethod: 'passkey-confirmed-request', notice: { language: 'es', version: '2026-11' } });

    const response = await alice.authenticator.authenticate(start.body.options);
    const done = await send(t, 'POST', `/v1/me/requests/${req.id}/approve`, bearer(alice.token), { ceremonyId: start.body.ceremonyId, response });
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    expect(done.body.request).toMatchObject({ status: 'approved', consentId: done.body.consent.id });
    expect(done.body.consent).toMatchObject({ subjectRef, status: 'active', termsHash: start.body.termsHash });

    // The receipt carries the citizen's own signature over exactly these terms.
    const { payload } = await verifyReceipt(done.body.receipt.jws, await fetchJwks(t.app));
    const sig = payload.citizenSignature as Json;
    expect(sig).toMatchObject({ nonce: start.body.nonce, credentialId: response.id });
    const clientData = JSON.parse(Buffer.from(sig.clientDataJSON, 'base64url').toString());
    expect(clientData).toMatchObject({ type: 'webauthn.get', challenge: expected, origin: 'http://localhost:8787' });
    const signed = Buffer.concat([Buffer.from(sig.authenticatorData, 'base64url'), createHash('sha256').update(Buffer.from(sig.clientDataJSON, 'base64url')).digest()]);
    const key = createPublicKey({ key: sig.publicKeyJwk, format: 'jwk' });
    expect(verify(sig.publicKeyJwk.kty === 'EC' ? 'sha256' : null, signed, key, Buffer.from(sig.signature, 'base64url'))).toBe(true);
    // … and a signature over other terms would not verify.
    expect(verify(sig.publicKeyJwk.kty === 'EC' ? 'sha256' : null, Buffer.concat([signed, Buffer.from('x')]), key, Buffer.from(sig.signature, 'base64url'))).toBe(false);

    expect((await check(token, subjectRef)).body).toMatchObject({ decision: 'permit', consentId: done.body.consent.id });
    expect((await check(token, subjectRef, { purpose: 't-research' })).body).toMatchObject({ decision: 'deny', reason: 'purpose_not_covered' });
    expect((await check(token, subjectRef, { dataCategory: undefined, dataCategories: ['t-address', 't-health'] })).body).toMatchObject({ reason: 'category_not_covered' });
    expect((await check(token, subjectRef, { processing: 't-share' })).body).toMatchObject({ reason: 'processing_not_covered' });

    const w = await send(t, 'POST', `/v1/me/consents/${done.body.consent.id}/withdraw`, bearer(alice.token));
    expect(w.status).toBe(200);
    expect((await check(token, subjectRef)).body).toMatchObject({ decision: 'deny', reason: 'withdrawn' });

    // Webhook outbox rows for the service: approved, granted, withdrawn.
    const types = await t.db.query<{ event_type: string }>(
      `select event_type from webhook_outbox where service_id = $1 and (payload->'data'->>'subjectRef') = $2 order by created_at, event_type`,
      [svc.id, subjectRef],
    );
    expect(types.map((r) => r.event_type).sort()).toEqual(['consent.granted', 'consent.withdrawn', 'request.approved']);
    // Every check is in the audit log.
    const checks = await t.db.query<{ n: number }>(`select count(*)::int as n from audit_events where type = 'consent.checked' and data->>'subjectRef' = $1`, [subjectRef]);
    expect(checks[0]!.n).toBe(6);
  });

  it('a request can be approved once; a ceremony once; never by someone else', async () => {
    const req = await createConsentRequest(t, token, ref());
    const start = await send(t, 'POST', `/v1/me/requests/${req.id}/approval`, bearer(alice.token));
    const response = await alice.authenticator.authenticate(start.body.options);
    // Bob cannot use Alice's ceremony, and his own passkey is not hers.
    const stolen = await send(t, 'POST', `/v1/me/requests/${req.id}/approve`, bearer(bob.token), { ceremonyId: start.body.ceremonyId, response });
    expect(stolen.status).toBe(400);
    expect(stolen.body.code).toBe('challenge_invalid');
    const ok = await send(t, 'POST', `/v1/me/requests/${req.id}/approve`, bearer(alice.token), { ceremonyId: start.body.ceremonyId, response });
    expect(ok.status).toBe(201);
    const replay = await send(t, 'POST', `/v1/me/requests/${req.id}/approve`, bearer(alice.token), { ceremonyId: start.body.ceremonyId, response });
    expect(replay.body.code).toBe('challenge_invalid');
    const again = await send(t, 'POST', `/v1/me/requests/${req.id}/approval`, bearer(alice.token));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('request_not_pending');
    // Bob can no longer even see it.
    expect((await send(t, 'GET', `/v1/me/requests/${req.id}`, bearer(bob.token))).status).toBe(404);
  });

  it('a subjectRef identifies one citizen per service: a rebinding request is refused', async () => {
    const subjectRef = ref();
    await approveConsentRequest(t, alice, (await createConsentRequest(t, token, subjectRef)).id);
    const second = await createConsentRequest(t, token, subjectRef, { purposes: ['t-research'] });
    for (const [method, path] of [['GET', ''], ['POST', '/approval'], ['POST', '/reject']] as const) {
      const r = await send(t, method, `/v1/me/requests/${second.id}${path}`, bearer(bob.token));
      expect(r.status, path).toBe(404);
    }
    // Alice sees it among her requests and can approve it.
    const mine = await send(t, 'GET', '/v1/me/requests?status=pending', bearer(alice.token));
    expect((mine.body.items as Json[]).map((r) => r.id)).toContain(second.id);
    await approveConsentRequest(t, alice, second.id);
  });

  it('rejected, cancelled and expired requests cannot be approved; expiry is swept with a webhook', async () => {
    const rejected = await createConsentRequest(t, token, ref());
    const rj = await send(t, 'POST', `/v1/me/requests/${rejected.id}/reject`, bearer(bob.token));
    expect(rj.body.status).toBe('rejected');
    expect((await send(t, 'POST', `/v1/me/requests/${rejected.id}/approval`, bearer(bob.token))).body.code).toBe('request_not_pending');
    expect((await send(t, 'GET', `/v1/requests/${rejected.id}`, serviceBearer(token))).body.status).toBe('rejected');

    const cancelled = await createConsentRequest(t, token, ref());
    expect((await send(t, 'POST', `/v1/requests/${cancelled.id}/cancel`, serviceBearer(token))).body.status).toBe('cancelled');
    expect((await send(t, 'POST', `/v1/requests/${cancelled.id}/cancel`, serviceBearer(token))).status).toBe(409);
    expect((await send(t, 'POST', `/v1/me/requests/${cancelled.id}/approval`, bearer(alice.token))).body.code).toBe('request_not_pending');

    const expiring = await createConsentRequest(t, token, ref(), { expiresInDays: 1 });
    const start = await send(t, 'POST', `/v1/me/requests/${expiring.id}/approval`, bearer(alice.token));
    t.clock.advance(2 * 86_400_000);
    try {
      const response = await alice.authenticator.authenticate(start.body.options);
      const late = await send(t, 'POST', `/v1/me/requests/${expiring.id}/approve`, bearer(alice.token), { ceremonyId: start.body.ceremonyId, response });
      expect(late.status).toBe(400); // the ceremony expired first (5 minutes)
      const s2 = await send(t, 'POST', `/v1/me/requests/${expiring.id}/approval`, bearer(alice.token));
      expect(s2.status).toBe(409);
      expect(s2.body.code).toBe('request_expired');
      const fresh = await getServiceToken(t.app, svc); // the old access token expired meanwhile
      expect((await send(t, 'GET', `/v1/requests/${expiring.id}`, serviceBearer(token))).status).toBe(401);
      expect((await send(t, 'GET', `/v1/requests/${expiring.id}`, serviceBearer(fresh))).body.status).toBe('expired');
      expect(await sweepExpired(t.deps)).toBeGreaterThanOrEqual(1);
      const hook = await t.db.query(`select 1 from webhook_outbox where event_type = 'request.expired' and payload->'data'->>'requestId' = $1`, [expiring.id]);
      expect(hook).toHaveLength(1);
    } finally {
      t.clock.set(new Date());
    }
  });

  it('service A never sees, checks, revokes or cancels what belongs to service B', async () => {
    const subjectRef = ref();
    const req = await createConsentRequest(t, token, subjectRef);
    const { consent } = await approveConsentRequest(t, alice, req.id);
    const o = serviceBearer(otherToken);
    expect((await send(t, 'GET', `/v1/requests/${req.id}`, o)).status).toBe(404);
    expect((await send(t, 'POST', `/v1/requests/${req.id}/cancel`, o)).status).toBe(404);
    expect(((await send(t, 'GET', '/v1/requests?limit=200', o)).body.items as Json[]).some((r) => r.id === req.id)).toBe(false);
    expect((await check(otherToken, subjectRef)).body).toMatchObject({ decision: 'deny', reason: 'no_consent' });
    expect((await send(t, 'GET', `/v1/service/consents/${consent.id}`, o)).status).toBe(404);
    expect((await send(t, 'GET', `/v1/service/consents/${consent.id}/receipts`, o)).status).toBe(404);
    expect((await send(t, 'POST', `/v1/service/consents/${consent.id}/revoke`, o, { reason: 'x' })).status).toBe(404);
    expect(((await send(t, 'GET', `/v1/service/consents?subjectRef=${subjectRef}`, o)).body.items as Json[])).toEqual([]);
    // Its own views work.
    const mine = await send(t, 'GET', `/v1/service/consents?subjectRef=${subjectRef}`, serviceBearer(token));
    expect((mine.body.items as Json[]).map((c) => c.id)).toEqual([consent.id]);
    const revoked = await send(t, 'POST', `/v1/service/consents/${consent.id}/revoke`, serviceBearer(token), { reason: 'Programme closed' });
    expect(revoked.status).toBe(200);
    expect(revoked.body.consent).toMatchObject({ status: 'revoked', endReason: 'Programme closed' });
    expect((await check(token, subjectRef)).body).toMatchObject({ decision: 'deny', reason: 'revoked' });
    const byStatus = await send(t, 'GET', `/v1/service/consents?status=revoked&subjectRef=${subjectRef}`, serviceBearer(token));
    expect((byStatus.body.items as Json[]).map((c) => c.id)).toEqual([consent.id]);
    // The citizen sees the revocation in the history.
    const hist = await send(t, 'GET', `/v1/me/consents/${consent.id}/revisions`, bearer(alice.token));
    expect((hist.body.items as Json[]).at(-1)).toMatchObject({ event: 'revoked', reason: 'Programme closed' });
  });

  it('enforces scopes and refuses terms the service may not ask for', async () => {
    const checkOnly = await getServiceToken(t.app, svc, { scope: 'consents:check' });
    const r = await send(t, 'POST', '/v1/requests', serviceBearer(checkOnly), requestBody(ref()));
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('insufficient_scope');
    expect((await check(checkOnly, ref())).status).toBe(200);
    const readOnly = await getServiceToken(t.app, svc, { scope: 'consents:read' });
    expect((await check(readOnly, ref())).status).toBe(403);
    const bad = await send(t, 'POST', '/v1/requests', serviceBearer(token), requestBody(ref(), { purposes: ['not-in-catalogue'] }));
    expect(bad.body.code).toBe('term_unknown');
    const long = await send(t, 'POST', '/v1/requests', serviceBearer(token), requestBody(ref(), { durationDays: 5000 }));
    expect(long.status).toBe(400);
    const capped = await send(t, 'POST', '/v1/requests', serviceBearer(token), requestBody(ref(), { durationDays: 400 }));
    expect(capped.body.code).toBe('validity_out_of_range');
    const wait = await send(t, 'POST', '/v1/requests', serviceBearer(token), requestBody(ref(), { expiresInDays: 31 }));
    expect(wait.status).toBe(400);
  });

  it('batch checks take up to 1,000 items, in order, all audited', async () => {
    const subjectRef = ref();
    await approveConsentRequest(t, bob, (await createConsentRequest(t, token, subjectRef)).id);
    const items = Array.from({ length: 1000 }, (_, i) => ({ subjectRef: i % 2 ? subjectRef : `nobody-${i}`, purpose: 't-benefits', dataCategory: 't-address' }));
    const before = (await t.db.query<{ n: number }>(`select count(*)::int as n from audit_events where type = 'consent.checked'`))[0]!.n;
    const res = await send(t, 'POST', '/v1/check/batch', serviceBearer(token), { items });
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(1000);
    expect(res.body.results[1]).toMatchObject({ decision: 'permit' });
    expect(res.body.results[0]).toMatchObject({ decision: 'deny', reason: 'no_consent' });
    const after = (await t.db.query<{ n: number }>(`select count(*)::int as n from audit_events where type = 'consent.checked'`))[0]!.n;
    expect(after - before).toBe(1000);
    const tooMany = await send(t, 'POST', '/v1/check/batch', serviceBearer(token), { items: [...items, items[0]] });
    expect(tooMany.status).toBe(400);
    // Checks the citizen can later find: bound subject → citizen id on the audit row.
    const mine = await t.db.query<{ n: number }>(`select count(*)::int as n from audit_events where type = 'consent.checked' and data->>'subjectRef' = $1 and citizen_id is not null`, [subjectRef]);
    expect(mine[0]!.n).toBe(500);
  });

  it('a suspended service is refused at once, even for checks', async () => {
    const s = await createServiceWithKey(t);
    const tok = await getServiceToken(t.app, s);
    expect((await check(tok, ref())).status).toBe(200);
    await t.db.query(`update services set status = 'suspended' where id = $1`, [s.id]);
    const r = await check(tok, ref());
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('unauthenticated');
  });
});
