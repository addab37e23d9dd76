/**
 * Citizens' notifications through the API, with an injected clock: reminders 30 and 7 days
 * before a consent ends (once each, never for a withdrawn or renewed consent), the expiry and
 * a service's revocation, requests waiting and about to expire, security notices that cannot
 * be turned off, preferences, and the inbox's read marks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpired } from '../src/jobs/expiry-sweep.js';
import { scanReminders } from '../src/jobs/reminder-scan.js';
import { notifyActedOnBehalf } from '../src/notifications/notify-citizen.js';
import { bearer, signInCitizen, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { grantBody } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { approveConsentRequest, createConsentRequest, send } from './support/requests.js';
import { createServiceWithKey, getServiceToken, serviceBearer, type TestService } from './support/service-client.js';
import type { Json } from './support/json.js';


const DAY = 86_400_000;
let t: TestContext;
let svc: TestService;
let n = 0;
const ref = () => `notify-${Date.now()}-${n++}`;

beforeAll(async () => {
  t = await createTestContext({ config: { sessionTtlSeconds: 30 * 86_400 } });
  svc = await createServiceWithKey(t);
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

const inbox = async (who: SignedInCitizen, query = ''): Promise<Json> => {
  let r = await send(t, 'GET', `/v1/me/notifications${query}`, bearer(who.token));
  if (r.status === 401) {
    // The clock moved past the session: sign in again (which is itself a security notice).
    Object.assign(who, await signInCitizen(t.app, who.authenticator));
    r = await send(t, 'GET', `/v1/me/notifications${query}`, bearer(who.token));
  }
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const ofType = async (who: SignedInCitizen, type: string): Promise<Json[]> => ((await inbox(who)).items as Json[]).filter((i) => i.type === type);
const grant = async (who: SignedInCitizen, days: number): Promise<Json> => {
  const r = await send(t, 'POST', '/v1/me/consents', bearer(who.token), grantBody(svc.id, t.clock.now(), { validUntil: new Date(t.clock.now().getTime() + days * DAY).toISOString() }));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.consent;
};

describe(`notifications on ${ENGINE}`, () => {
  it('reminds 30 and then 7 days before the end, once each, and tells the expiry', async () => {
    const alice = await signUpCitizen(t.app, t.config, { displayName: 'Alice' });
    const consent = await grant(alice, 90);
    const until = new Date(consent.validUntil as string);
    // Nothing is due yet.
    await scanReminders(t.deps);
    expect(await ofType(alice, 'consent.expiring')).toEqual([]);

    t.clock.set(new Date(until.getTime() - 30 * DAY + 60_000));
    const first = await scanReminders(t.deps);
    expect(first.consentReminders).toBeGreaterThanOrEqual(1);
    await scanReminders(t.deps);
    let reminders = await ofType(alice, 'consent.expiring');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toMatchObject({
      consentId: consent.id,
      readAt: null,
      data: { days: 30, validUntil: until.toISOString(), serviceId: svc.id },
      link: `${t.config.publicUrl}/consents/${consent.id}/renew`,
    });

    t.clock.set(new Date(until.getTime() - 7 * DAY + 60_000));
    await scanReminders(t.deps);
    await scanReminders(t.deps);
    reminders = await ofType(alice, 'consent.expiring');
    expect(reminders.map((r) => r.data.days).sort()).toEqual([30, 7].sort());

    t.clock.set(new Date(until.getTime() + 1000));
    await sweepExpired(t.deps);
    await scanReminders(t.deps);
    const expired = await ofType(alice, 'consent.expired');
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ consentId: consent.id, data: { validUntil: until.toISOString() } });
    // The ended consent's reminders are settled (read); the expiry is news.
    expect((await ofType(alice, 'consent.expiring')).every((r) => r.readAt !== null)).toBe(true);
    expect((await inbox(alice, '?unread=true')).items.map((i: Json) => i.type).filter((x: string) => x !== 'security.signed_in')).toEqual(['consent.expired']);
  });

  it('after an outage sends only the nearest threshold, and nothing for a consent shorter than it', async () => {
    const bob = await signUpCitizen(t.app, t.config, { displayName: 'Bob' });
    const long = await grant(bob, 60);
    const short = await grant(bob, 20);
    // The scan did not run for weeks: only the 7-day reminder of each is due now.
    t.clock.advance(54 * DAY);
    await scanReminders(t.deps);
    const reminders = await ofType(bob, 'consent.expiring');
    expect(reminders.map((r) => [r.consentId, r.data.days])).toEqual(expect.arrayContaining([[long.id, 7]]));
    expect(reminders.filter((r) => r.consentId === long.id)).toHaveLength(1);
    // The 20-day consent crossed no 30-day line, and has expired by now: no reminder at all.
    expect(reminders.filter((r) => r.consentId === short.id)).toEqual([]);
  });

  it('never reminds about a withdrawn consent, and a renewed one only for its new end', async () => {
    const carla = await signUpCitizen(t.app, t.config, { displayName: 'Carla' });
    const withdrawn = await grant(carla, 40);
    expect((await send(t, 'POST', `/v1/me/consents/${withdrawn.id}/withdraw`, bearer(carla.token))).status).toBe(200);
    t.clock.advance(11 * DAY);
    await scanReminders(t.deps);
    expect(await ofType(carla, 'consent.expiring')).toEqual([]);
  });

  it('tells the citizen when a service revokes a consent, and when a request waits or is about to expire', async () => {
    const dani = await signUpCitizen(t.app, t.config, { displayName: 'Dani' });
    const token = await getServiceToken(t.app, svc);
    const subjectRef = ref();
    const approved = await approveConsentRequest(t, dani, (await createConsentRequest(t, token, subjectRef)).id);
    const revoked = await send(t, 'POST', `/v1/service/consents/${approved.consent.id}/revoke`, serviceBearer(token), { reason: 'Expedient tancat' });
    expect(revoked.status).toBe(200);
    expect(await ofType(dani, 'consent.revoked')).toEqual([expect.objectContaining({ consentId: approved.consent.id, data: expect.objectContaining({ reason: 'Expedient tancat' }) })]);

    // The subjectRef is now bound to Dani: a new request is addressed to them.
    const second = await createConsentRequest(t, token, subjectRef, { expiresInDays: 7 });
    const waiting = await ofType(dani, 'request.waiting');
    expect(waiting).toEqual([expect.objectContaining({ requestId: second.id, link: `${t.config.publicUrl}/requests/${second.id}` })]);
    t.clock.advance(5 * DAY + 60_000);
    await scanReminders(t.deps);
    await scanReminders(t.deps);
    expect(await ofType(dani, 'request.expiring')).toEqual([expect.objectContaining({ requestId: second.id })]);
    // Answering it settles both.
    expect((await send(t, 'POST', `/v1/me/requests/${second.id}/reject`, bearer(dani.token))).status).toBe(200);
    const settled = [...(await ofType(dani, 'request.waiting')), ...(await ofType(dani, 'request.expiring'))];
    expect(settled.every((s) => s.readAt !== null)).toBe(true);
  });

  it('security notices: a new sign-in and a new passkey, which cannot be turned off', async () => {
    const eva = await signUpCitizen(t.app, t.config, { displayName: 'Eva' });
    // Signing up is not news to the person who did it.
    expect((await inbox(eva)).items).toEqual([]);
    const put = await send(t, 'PUT', '/v1/me/notification-settings', bearer(eva.token), {
      preferences: [
        { type: 'security.signed_in', inbox: false, email: false },
        { type: 'request.waiting', inbox: true, email: false },
      ],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const prefs = Object.fromEntries((put.body.preferences as Json[]).map((p) => [p.type, p]));
    expect(prefs['security.signed_in']).toEqual({ type: 'security.signed_in', inbox: true, email: true, locked: true });
    expect(prefs['request.waiting']).toMatchObject({ inbox: true, email: false, locked: false });
    const again = await signInCitizen(t.app, eva.authenticator);
    const notices = await ofType(again, 'security.signed_in');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ link: `${t.config.publicUrl}/account`, data: { sessionId: expect.any(String) } });
  });

  it('a type turned off reaches neither inbox nor e-mail; the inbox marks one or all read', async () => {
    const fran = await signUpCitizen(t.app, t.config, { displayName: 'Fran' });
    await send(t, 'PUT', '/v1/me/notification-settings', bearer(fran.token), { language: 'es', preferences: [{ type: 'consent.expiring', inbox: false, email: true }] });
    const settings = await send(t, 'GET', '/v1/me/notification-settings', bearer(fran.token));
    expect(settings.body).toMatchObject({ language: 'es', mailAvailable: true, email: null });
    expect((settings.body.preferences as Json[]).find((p) => p.type === 'consent.expiring')).toMatchObject({ inbox: false, email: false });
    await grant(fran, 35);
    t.clock.advance(6 * DAY);
    await scanReminders(t.deps);
    expect(await ofType(fran, 'consent.expiring')).toEqual([]);

    // Someone acting on Fran's behalf (the representation feature calls this in its transaction).
    await t.db.transaction((tx) => notifyActedOnBehalf(tx, t.deps, { citizenId: fran.citizenId, actorName: 'Gemma', action: 'consent.granted', key: 'act-1' }));
    await t.db.transaction((tx) => notifyActedOnBehalf(tx, t.deps, { citizenId: fran.citizenId, actorName: 'Gemma', action: 'consent.granted', key: 'act-1' }));
    await t.db.transaction((tx) => notifyActedOnBehalf(tx, t.deps, { citizenId: fran.citizenId, actorName: 'Gemma', action: 'consent.withdrawn', key: 'act-2' }));
    const list = await inbox(fran);
    expect(list.unread).toBe(2);
    expect((list.items as Json[]).map((i) => i.data.action)).toEqual(['consent.withdrawn', 'consent.granted']);
    const one = await send(t, 'POST', `/v1/me/notifications/${list.items[0].id}/read`, bearer(fran.token));
    expect(one.status).toBe(204);
    expect((await inbox(fran)).unread).toBe(1);
    // Another citizen's notification does not exist for them.
    const eve = await signUpCitizen(t.app, t.config);
    expect((await send(t, 'POST', `/v1/me/notifications/${list.items[1].id}/read`, bearer(eve.token))).status).toBe(404);
    const all = await send(t, 'POST', '/v1/me/notifications/read-all', bearer(fran.token));
    expect(all.body).toEqual({ marked: 1 });
    expect((await inbox(fran, '?unread=true')).items).toEqual([]);
  });

  it('answers bad input with problems', async () => {
    const gil = await signUpCitizen(t.app, t.config);
    expect((await send(t, 'GET', '/v1/me/notifications', {})).status).toBe(401);
    expect((await send(t, 'POST', '/v1/me/notifications/not-a-uuid/read', bearer(gil.token))).status).toBe(400);
    const badType = await send(t, 'PUT', '/v1/me/notification-settings', bearer(gil.token), { preferences: [{ type: 'nope', inbox: true, email: true }] });
    expect(badType.status).toBe(400);
    expect(badType.body.code).toBe('validation_failed');
    const badEmail = await send(t, 'PUT', '/v1/me/email', bearer(gil.token), { address: 'not an address' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.errors).toEqual([expect.objectContaining({ field: 'body.address' })]);
  });
});
