/**
 * Renewal in one step: the same terms, a new validity capped by the catalogue, a passkey
 * ceremony whose challenge commits to the renewed terms (so the receipt verifies offline with
 * the citizen's signature), a new revision chained to the last, `consent.renewed` to the
 * service; refused when the notice changed, pointing to the service's new request. Services
 * may ask for a renewal within 60 days of the end; the citizen renews or declines.
 */
import { createHash } from 'node:crypto';
import { verifyReceiptChain } from '@permis/sdk/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanReminders } from '../src/jobs/reminder-scan.js';
import { bearer, signInCitizen, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { fetchJwks, termsHashOf } from './support/receipts.js';
import { approveConsentRequest, createConsentRequest, send } from './support/requests.js';
import { createServiceWithKey, getServiceToken, serviceBearer, type TestService } from './support/service-client.js';
import type { Json } from './support/json.js';


const DAY = 86_400_000;
let t: TestContext;
let svc: TestService;
let n = 0;
const ref = () => `renew-${Date.now()}-${n++}`;

beforeAll(async () => {
  t = await createTestContext({ config: { sessionTtlSeconds: 30 * 86_400 } });
  svc = await createServiceWithKey(t);
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

const token = () => getServiceToken(t.app, svc);
const check = async (subjectRef: string) => (await send(t, 'POST', '/v1/check', serviceBearer(await token()), { subjectRef, purpose: 't-benefits', dataCategory: 't-address' })).body;
/** A fresh session (the clock moves by weeks in these tests). */
const fresh = (who: SignedInCitizen) => signInCitizen(t.app, who.authenticator);

/** Starts and finishes a renewal with the citizen's passkey; returns both answers. */
async function renew(who: SignedInCitizen, consentId: string, body?: Json) {
  const start = await send(t, 'POST', `/v1/me/consents/${consentId}/renewal`, bearer(who.token), body);
  if (start.status !== 200) return { start, done: undefined };
  const response = await who.authenticator.authenticate(start.body.options);
  const done = await send(t, 'POST', `/v1/me/consents/${consentId}/renew`, bearer(who.token), { ceremonyId: start.body.ceremonyId, response });
  return { start, done };
}

describe(`renewal on ${ENGINE}`, () => {
  it('renews on the same terms with a passkey; the receipt verifies offline; the check permits past the old end only after it', async () => {
    let nuria = await signUpCitizen(t.app, t.config, { displayName: 'Núria' });
    const [renewedRef, keptRef] = [ref(), ref()];
    const tok = await token();
    const renewed = await approveConsentRequest(t, nuria, (await createConsentRequest(t, tok, renewedRef, { durationDays: 90 })).id, 'ca');
    const kept = await approveConsentRequest(t, nuria, (await createConsentRequest(t, tok, keptRef, { durationDays: 90 })).id, 'ca');
    const consent = renewed.consent as Json;
    const oldUntil = new Date(consent.validUntil as string);

    t.clock.set(new Date(oldUntil.getTime() - 20 * DAY));
    nuria = await fresh(nuria);
    const { start, done } = await renew(nuria, consent.id);
    expect(start.status, JSON.stringify(start.body)).toBe(200);
    // The challenge commits to the renewed terms: anyone can recompute it.
    expect(termsHashOf(start.body.terms)).toBe(start.body.termsHash);
    const challenge = createHash('sha256').update(Buffer.concat([Buffer.from(start.body.nonce, 'base64url'), Buffer.from(start.body.termsHash, 'base64url')])).digest('base64url');
    expect(start.body.options.challenge).toBe(challenge);
    // Exactly the same terms, valid from now for as long again (90 days).
    const { validFrom, validUntil, ...rest } = start.body.terms as Json;
    const { validFrom: _f, validUntil: _u, ...oldRest } = (await send(t, 'GET', `/v1/me/consents/${consent.id}/receipts`, bearer(nuria.token))).body.items.map(
      (r: Json) => JSON.parse(Buffer.from((r.jws as string).split('.')[1]!, 'base64url').toString()).terms,
    )[0] as Json;
    expect(rest).toEqual(oldRest);
    expect(validFrom).toBe(t.clock.now().toISOString());
    expect(new Date(validUntil).getTime()).toBe(t.clock.now().getTime() + 90 * DAY);

    expect(done!.status, JSON.stringify(done!.body)).toBe(200);
    expect(done!.body.consent).toMatchObject({ id: consent.id, revision: 2, status: 'active', validUntil, termsHash: start.body.termsHash });

    // The receipt chain verifies offline with the JWKS, the citizen's signature over the new terms included.
    const receipts = (await send(t, 'GET', `/v1/me/consents/${consent.id}/receipts`, bearer(nuria.token))).body.items as Json[];
    const chain = await verifyReceiptChain(receipts.map((r) => r.jws as string), await fetchJwks(t.app), { issuer: t.config.publicUrl, origin: 'http://localhost:8787', rpId: 'localhost' });
    expect(chain.map((c) => c.claims.event)).toEqual(['granted', 'renewed']);
    expect(chain[1]!.claims).toMatchObject({ revision: 2, validUntil, termsHash: start.body.termsHash, predecessorHash: chain[0]!.hash });
    expect(chain[1]!.citizenSignature).toMatchObject({ credentialId: expect.any(String), origin: 'http://localhost:8787' });

    // The service hears it.
    const hooks = await t.db.query<{ payload: Json }>(`select payload from webhook_outbox where service_id = $1 and event_type = 'consent.renewed' and payload->'data'->>'consentId' = $2`, [svc.id, consent.id]);
    expect(hooks.map((h) => h.payload.data)).toEqual([expect.objectContaining({ subjectRef: renewedRef, revision: 2, validUntil })]);

    // Past the old end: the renewed consent permits, the other one does not.
    t.clock.set(new Date(oldUntil.getTime() + 60_000));
    expect(await check(renewedRef)).toMatchObject({ decision: 'permit', consentId: consent.id });
    expect(await check(keptRef)).toMatchObject({ decision: 'deny', reason: 'expired' });
    expect((kept.consent as Json).validUntil).toBe(consent.validUntil);

    // Reminders follow the new end only.
    t.clock.set(new Date(new Date(validUntil).getTime() - 30 * DAY + 1000));
    await scanReminders(t.deps);
    nuria = await fresh(nuria);
    const reminders = ((await send(t, 'GET', '/v1/me/notifications', bearer(nuria.token))).body.items as Json[]).filter((i) => i.type === 'consent.expiring' && i.consentId === consent.id);
    expect(reminders.map((r) => r.data.validUntil)).toContain(validUntil);
  });

  it('is capped by the catalogue, refused for an ended consent, and refused when the consent moved on during the ceremony', async () => {
    let olga = await signUpCitizen(t.app, t.config, { displayName: 'Olga' });
    // t-short is capped at 30 days.
    const short = (await approveConsentRequest(t, olga, (await createConsentRequest(t, await token(), ref(), { purposes: ['t-short'], durationDays: 30 })).id)).consent as Json;
    t.clock.advance(10 * DAY);
    olga = await fresh(olga);
    const tooLong = await send(t, 'POST', `/v1/me/consents/${short.id}/renewal`, bearer(olga.token), { validUntil: new Date(t.clock.now().getTime() + 31 * DAY).toISOString() });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ code: 'validity_out_of_range', maxValidUntil: new Date(t.clock.now().getTime() + 30 * DAY).toISOString() });
    const asked = new Date(t.clock.now().getTime() + 25 * DAY).toISOString();
    const { done } = await renew(olga, short.id, { validUntil: asked });
    expect(done!.body.consent.validUntil).toBe(asked);

    // A ceremony started before a narrowing cannot renew the narrowed consent.
    const start = await send(t, 'POST', `/v1/me/consents/${short.id}/renewal`, bearer(olga.token));
    expect((await send(t, 'POST', `/v1/me/consents/${short.id}/narrow`, bearer(olga.token), { dataCategories: ['t-address'] })).status).toBe(200);
    const stale = await send(t, 'POST', `/v1/me/consents/${short.id}/renew`, bearer(olga.token), { ceremonyId: start.body.ceremonyId, response: await olga.authenticator.authenticate(start.body.options) });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('conflict');

    expect((await send(t, 'POST', `/v1/me/consents/${short.id}/withdraw`, bearer(olga.token))).status).toBe(200);
    const ended = await send(t, 'POST', `/v1/me/consents/${short.id}/renewal`, bearer(olga.token));
    expect(ended.status).toBe(409);
    expect(ended.body).toMatchObject({ code: 'illegal_transition', currentStatus: 'withdrawn' });
    // Someone else's consent does not exist for them.
    const other = await signUpCitizen(t.app, t.config);
    expect((await send(t, 'POST', `/v1/me/consents/${short.id}/renewal`, bearer(other.token))).status).toBe(404);
  });

  it('is refused when the service changed its notice, pointing to its new request', async () => {
    let pau = await signUpCitizen(t.app, t.config, { displayName: 'Pau' });
    const subjectRef = ref();
    const consent = (await approveConsentRequest(t, pau, (await createConsentRequest(t, await token(), subjectRef)).id)).consent as Json;
    const newer = await createConsentRequest(t, await token(), subjectRef, { notice: { version: '2027-01', texts: { ca: 'Text nou de l’avís.' } } });
    pau = await fresh(pau);
    const refused = await send(t, 'POST', `/v1/me/consents/${consent.id}/renewal`, bearer(pau.token));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'notice_changed',
      noticeVersion: '2026-11',
      currentNoticeVersion: '2027-01',
      consentRequestId: newer.id,
      approvalUrl: `${t.config.publicUrl}/requests/${newer.id}`,
    });
    // Nor can the service ask for a renewal on the old notice.
    t.clock.advance(31 * DAY);
    const ask = await send(t, 'POST', `/v1/service/consents/${consent.id}/renewal-request`, serviceBearer(await token()));
    expect(ask.status).toBe(409);
    expect(ask.body.code).toBe('notice_changed');
  });

  it('a service asks for a renewal within 60 days of the end; the citizen renews, or declines', async () => {
    let rosa = await signUpCitizen(t.app, t.config, { displayName: 'Rosa' });
    const [a, b] = [ref(), ref()];
    const first = (await approveConsentRequest(t, rosa, (await createConsentRequest(t, await token(), a, { durationDays: 120 })).id)).consent as Json;
    const second = (await approveConsentRequest(t, rosa, (await createConsentRequest(t, await token(), b, { durationDays: 120 })).id)).consent as Json;
    const early = await send(t, 'POST', `/v1/service/consents/${first.id}/renewal-request`, serviceBearer(await token()));
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'renewal_not_allowed', validUntil: first.validUntil });

    t.clock.advance(70 * DAY);
    const asked = await send(t, 'POST', `/v1/service/consents/${first.id}/renewal-request`, serviceBearer(await token()));
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body).toMatchObject({ consentId: first.id, status: 'pending', validUntil: first.validUntil });
    const again = await send(t, 'POST', `/v1/service/consents/${first.id}/renewal-request`, serviceBearer(await token()));
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(asked.body.id);
    // Another service cannot ask about this consent.
    const stranger = await createServiceWithKey(t);
    expect((await send(t, 'POST', `/v1/service/consents/${first.id}/renewal-request`, serviceBearer(await getServiceToken(t.app, stranger)))).status).toBe(404);

    rosa = await fresh(rosa);
    const told = ((await send(t, 'GET', '/v1/me/notifications', bearer(rosa.token))).body.items as Json[]).filter((i) => i.type === 'consent.renewal_requested');
    expect(told).toEqual([expect.objectContaining({ consentId: first.id, readAt: null, link: `${t.config.publicUrl}/consents/${first.id}/renew` })]);
    const { done } = await renew(rosa, first.id);
    expect(done!.status).toBe(200);
    const afterRenewal = ((await send(t, 'GET', '/v1/me/notifications', bearer(rosa.token))).body.items as Json[]).find((i) => i.type === 'consent.renewal_requested');
    expect(afterRenewal!.readAt).not.toBeNull();
    const state = await t.db.query<{ status: string }>('select status from renewal_requests where id = $1', [asked.body.id]);
    expect(state[0]!.status).toBe('renewed');

    const askB = await send(t, 'POST', `/v1/service/consents/${second.id}/renewal-request`, serviceBearer(await token()));
    expect(askB.status).toBe(201);
    const declined = await send(t, 'POST', `/v1/me/consents/${second.id}/renewal-request/decline`, bearer(rosa.token));
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ id: askB.body.id, status: 'declined' });
    expect((await send(t, 'POST', `/v1/me/consents/${second.id}/renewal-request/decline`, bearer(rosa.token))).status).toBe(404);
    const hooks = await t.db.query<{ payload: Json }>(`select payload from webhook_outbox where event_type = 'consent.renewal_declined' and payload->'data'->>'consentId' = $1`, [second.id]);
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.payload.data).toMatchObject({ subjectRef: b, renewalRequestId: askB.body.id });
  });
});
