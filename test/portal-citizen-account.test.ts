/**
 * The citizen's "who used my data" page, account page (passkeys, sessions, export, erasure)
 * and enrolment page through `app.request()`: real checks by a service,
 * real passkey ceremonies with the software authenticator, real erasure and enrolment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrateLog } from '../src/log/integrate-log.js';
import { portalTranslator } from '../src/portal/messages/index.js';
import { createSoftAuthenticator } from '../src/devtools/soft-authenticator.js';
import { inviteFromCli } from './support/admin.js';
import { bearer, bodyOf, type CreationCeremony, type PasskeyBody, signInCitizen, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { getPage, postForm } from './support/portal.js';
import { approveConsentRequest, createConsentRequest, send } from './support/requests.js';
import { createServiceWithKey, getServiceToken, serviceBearer, type TestService } from './support/service-client.js';

import type { Json } from './support/json.js';

let t: TestContext;
let svc: TestService;
let token: string;
let alice: SignedInCitizen;
let bob: SignedInCitizen;
let aliceRef: string;
let bobRef: string;
let aliceConsent: Json;
const aliceChecks: string[] = [];
let bobCheck: string;

const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const check = async (subjectRef: string, extra: Record<string, unknown> = {}) => {
  const r = await send(t, 'POST', '/v1/check', serviceBearer(token), { subjectRef, purpose: 't-benefits', dataCategory: 't-address', ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.checkId as string;
};
const passkeys = async (who: SignedInCitizen) => (await bodyOf<{ items: PasskeyBody[] }>(await t.app.request('/v1/me/passkeys', { headers: bearer(who.token) }))).items;
const rows = (page: string, type: string) => [...page.matchAll(new RegExp(`data-event-id="([^"]+)" data-type="${type.replace('.', '\\.')}"`, 'g'))].map((m) => m[1]);

beforeAll(async () => {
  t = await createTestContext({ config: { sessionTtlSeconds: 40 * 86_400 } });
  svc = await createServiceWithKey(t);
  token = await getServiceToken(t.app, svc);
  alice = await signUpCitizen(t.app, t.config, { displayName: 'Alice' });
  bob = await signUpCitizen(t.app, t.config, { displayName: 'Bob' });
  aliceRef = `al-${Date.now()}`;
  bobRef = `bo-${Date.now()}`;
  aliceConsent = (await approveConsentRequest(t, alice, (await createConsentRequest(t, token, aliceRef)).id)).consent;
  await approveConsentRequest(t, bob, (await createConsentRequest(t, token, bobRef)).id);
  aliceChecks.push(await check(aliceRef)); // permit
  aliceChecks.push(await check(aliceRef, { purpose: 't-research' })); // deny: purpose not covered
  bobCheck = await check(bobRef);
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

describe(`who used my data (${ENGINE})`, () => {
  it("lists a service's checks with service, purpose, data, answer and — once integrated — leaf index and proof", async () => {
    const before = await getPage(t, '/access-log', { token: alice.token, lang: 'en' });
    expect(before.res.status).toBe(200);
    expect(rows(before.html, 'consent.checked').sort()).toEqual([...aliceChecks].sort());
    expect(before.html).toContain(html(portalTranslator('en')('accessLog.pendingLeaf')));

    await integrateLog(t.deps);
    const { html: page } = await getPage(t, '/access-log', { token: alice.token, lang: 'en' });
    expect(rows(page, 'consent.checked')).toEqual([...aliceChecks].reverse());
    expect(page).toContain('Test service');
    expect(page).toContain('<span class="badge permit">Permitted</span>');
    expect(page).toContain('<span class="badge deny">Refused</span>');
    expect(page).toContain('the permission is not for this purpose');
    // Each entry carries its leaf index and the inclusion proof the API gives.
    const api = (await send(t, 'GET', '/v1/me/access-log?type=consent.checked', bearer(alice.token))).body;
    for (const item of api.items as Json[]) {
      expect(item.leafIndex).toMatch(/^\d+$/);
      expect(page).toContain(`Entry no. ${item.leafIndex}: proof`);
      expect(page).toContain(html(`"leafHash": "${item.leafHash}"`));
    }
    expect(page).toContain('id="checkpoint"');
    // The chart and its numbers: one permit and one deny today.
    expect(page).toContain('role="img"');
    expect(page).toMatch(/<title id="access-chart-title">[^<]*1 permitted and 1 refused/);
    expect(page).toMatch(/<td>1<\/td><td>1<\/td>/);
  });

  it("never shows another citizen's events", async () => {
    await integrateLog(t.deps);
    const { html: page } = await getPage(t, '/access-log', { token: bob.token });
    expect(rows(page, 'consent.checked')).toEqual([bobCheck]);
    for (const id of aliceChecks) expect(page).not.toContain(id);
    expect(page).not.toContain(aliceConsent.id);
    const { html: alicePage } = await getPage(t, '/access-log', { token: alice.token });
    expect(alicePage).not.toContain(bobCheck);
  });

  it('filters by decision, purpose, service, kind and dates, and says when a filter is wrong', async () => {
    const deny = await getPage(t, '/access-log?decision=deny', { token: alice.token });
    expect(rows(deny.html, 'consent.checked')).toEqual([aliceChecks[1]]);
    const research = await getPage(t, '/access-log?purpose=t-research&kind=checks', { token: alice.token });
    expect(rows(research.html, 'consent.checked')).toEqual([aliceChecks[1]]);
    expect(research.html).not.toContain('data-type="consent.granted"');
    const bySvc = await getPage(t, `/access-log?service=${svc.id}&kind=checks`, { token: alice.token });
    expect(rows(bySvc.html, 'consent.checked')).toHaveLength(2);
    const day = new Date(t.clock.now().getTime()).toISOString().slice(0, 10);
    const tomorrow = new Date(t.clock.now().getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
    expect(rows((await getPage(t, `/access-log?from=${tomorrow}`, { token: alice.token })).html, 'consent.checked')).toEqual([]);
    expect(rows((await getPage(t, `/access-log?from=${day}&to=${tomorrow}`, { token: alice.token })).html, 'consent.checked')).toHaveLength(2);
    const bad = await getPage(t, '/access-log?from=2026-02-31&decision=maybe', { token: alice.token, lang: 'ca' });
    expect(bad.res.status).toBe(200);
    expect(bad.html).toContain('id="error-summary"');
    expect(bad.html).toMatch(/id="from"[^>]*aria-invalid="true"/);
    expect(bad.html).toMatch(/id="decision"[^>]*aria-invalid="true"/);
  });

  it('pages through the log', async () => {
    for (let i = 0; i < 55; i++) await check(aliceRef);
    const first = await getPage(t, '/access-log?kind=checks', { token: alice.token });
    const ids = rows(first.html, 'consent.checked');
    expect(ids).toHaveLength(50);
    const next = /href="(\/access-log\?kind=checks&amp;cursor=[^"]+)"/.exec(first.html);
    expect(next).not.toBeNull();
    const second = await getPage(t, next![1]!.replace(/&amp;/g, '&'), { token: alice.token });
    const more = rows(second.html, 'consent.checked');
    expect(more).toHaveLength(7);
    expect(more.filter((id) => ids.includes(id))).toEqual([]);
  });
});

describe(`the account page (${ENGINE})`, () => {
  it('lists passkeys, renames one, refuses to remove the last one, adds and removes another', async () => {
    const who = await signUpCitizen(t.app, t.config, { displayName: 'Carme' });
    const page = await getPage(t, '/account', { token: who.token, lang: 'ca' });
    expect(page.res.status).toBe(200);
    expect(page.html).toContain('id="add-passkey-form"');
    expect(page.html).toContain('data-passkey="add-passkey"');
    expect(page.html).toContain('id="last-passkey-hint"');
    expect(page.html).toContain('id="export-link"');
    const [only] = await passkeys(who);

    const renamed = await postForm(t, `/account/passkeys/${encodeURIComponent(only!.id)}/rename`, { name: 'Mòbil' }, { token: who.token });
    expect(renamed.res.headers.get('location')).toBe('/account?notice=passkey-renamed');
    expect((await passkeys(who))[0]!.name).toBe('Mòbil');
    const blank = await postForm(t, `/account/passkeys/${encodeURIComponent(only!.id)}/rename`, { name: '   ' }, { token: who.token, lang: 'en' });
    expect(blank.res.status).toBe(400);
    expect(blank.html).toMatch(/aria-invalid="true"/);
    expect(blank.html).toContain('Write a name of 1 to 64 characters.');

    const last = await postForm(t, `/account/passkeys/${encodeURIComponent(only!.id)}/remove`, {}, { token: who.token });
    expect(last.res.headers.get('location')).toBe('/account?notice=last-passkey');
    expect(await passkeys(who)).toHaveLength(1);
    expect((await getPage(t, '/account?notice=last-passkey', { token: who.token, lang: 'en' })).html).toContain('You cannot remove your only passkey');

    // A second passkey, added through the same ceremony the page's script runs.
    const started = await bodyOf<CreationCeremony>(await t.app.request('/v1/me/passkeys/options', { method: 'POST', headers: bearer(who.token), body: '{}' }));
    const second = createSoftAuthenticator({ alg: 'ES256', origin: new URL(t.config.publicUrl).origin, rpId: t.config.rpId });
    const added = await t.app.request('/v1/me/passkeys', {
      method: 'POST',
      headers: bearer(who.token),
      body: JSON.stringify({ ceremonyId: started.ceremonyId, response: await second.register(started.options), name: 'Portàtil' }),
    });
    expect(added.status).toBe(201);
    const withTwo = await getPage(t, '/account?notice=passkey-added', { token: who.token });
    expect(withTwo.html).toContain('Portàtil');
    expect(withTwo.html).not.toContain('id="last-passkey-hint"');
    const confirm = await getPage(t, `/account/passkeys/${encodeURIComponent(only!.id)}/remove`, { token: who.token });
    expect(confirm.html).toContain('id="remove-passkey-form"');
    expect((await postForm(t, `/account/passkeys/${encodeURIComponent(only!.id)}/remove`, {}, { token: who.token, csrf: false })).res.status).toBe(403);
    const removed = await postForm(t, `/account/passkeys/${encodeURIComponent(only!.id)}/remove`, {}, { token: who.token });
    expect(removed.res.headers.get('location')).toBe('/account?notice=passkey-removed');
    expect((await passkeys(who)).map((k) => k.name)).toEqual(['Portàtil']);
    // Someone else's passkey is not found.
    const [bobs] = await passkeys(bob);
    expect((await postForm(t, `/account/passkeys/${encodeURIComponent(bobs!.id)}/rename`, { name: 'x' }, { token: who.token })).res.status).toBe(404);
  });

  it('signs out the other sessions', async () => {
    const who = await signUpCitizen(t.app, t.config, { displayName: 'Dani' });
    const other = await signInCitizen(t.app, who.authenticator);
    const page = await getPage(t, '/account', { token: who.token });
    expect(page.html).toContain('id="signout-others-form"');
    const done = await postForm(t, '/account/sessions/revoke-others', {}, { token: who.token });
    expect(done.res.headers.get('location')).toBe('/account?notice=sessions-revoked');
    expect((await t.app.request('/v1/me', { headers: bearer(other.token) })).status).toBe(401);
    expect((await t.app.request('/v1/me', { headers: bearer(who.token) })).status).toBe(200);
  });

  it('erases the account after an explicit confirmation; the session is gone and the landing page says so', async () => {
    const who = await signUpCitizen(t.app, t.config, { displayName: 'Enric' });
    const ref = `en-${Date.now()}`;
    const consent = (await approveConsentRequest(t, who, (await createConsentRequest(t, token, ref)).id)).consent;
    expect((await getPage(t, '/account/erase', { token: who.token })).html).toContain('id="erase-form"');
    expect((await postForm(t, '/account/erase', { confirm: 'yes' }, { token: who.token, csrf: false })).res.status).toBe(403);
    const unticked = await postForm(t, '/account/erase', {}, { token: who.token, lang: 'en' });
    expect(unticked.res.status).toBe(400);
    expect(unticked.html).toContain('tick the confirmation box');
    expect((await t.app.request('/v1/me', { headers: bearer(who.token) })).status).toBe(200);

    const done = await postForm(t, '/account/erase', { confirm: 'yes' }, { token: who.token });
    expect(done.res.status).toBe(303);
    expect(done.res.headers.get('location')).toBe('/?notice=erased');
    expect(done.res.headers.get('set-cookie') ?? '').toMatch(/__Host-permis_session=;/);
    expect((await t.app.request('/v1/me', { headers: bearer(who.token) })).status).toBe(401);
    // The consent was withdrawn before erasure: the service's check denies.
    const r = await send(t, 'POST', '/v1/check', serviceBearer(token), { subjectRef: ref, purpose: 't-benefits', dataCategory: 't-address' });
    expect(r.body.decision).toBe('deny');
    const stored = await t.db.query<{ status: string }>('select status from consents where id = $1', [consent.id]);
    expect(stored[0]!.status).toBe('withdrawn');
    const landing = await getPage(t, '/?notice=erased', { token: who.token, lang: 'en' });
    expect(landing.html).toContain('<h1>Your data, your decisions</h1>');
    expect(landing.html).toContain(portalTranslator('en')('notice.erased'));
  });
});

describe(`enrolment (${ENGINE})`, () => {
  it('redeems an officer code from the form, once', async () => {
    const who = await signUpCitizen(t.app, t.config, { displayName: 'Fina' });
    const code = await inviteFromCli(t, 'officer');
    const page = await getPage(t, '/enrol', { token: who.token, lang: 'es' });
    expect(page.html).toMatch(/<input[^>]*id="code"[^>]*data-from-fragment="code"/);
    expect(page.html).toContain('id="enrol-form"');
    expect((await postForm(t, '/enrol', { code }, { token: who.token, headers: { origin: 'https://evil.example' } })).res.status).toBe(403);
    const done = await postForm(t, '/enrol', { code }, { token: who.token });
    expect(done.res.status).toBe(303);
    expect(done.res.headers.get('location')).toBe('/?notice=enrolled-officer');
    expect((await send(t, 'GET', '/v1/me/roles', bearer(who.token))).body.roles).toEqual(['officer']);
    const home = await getPage(t, '/?notice=enrolled-officer', { token: who.token, lang: 'en' });
    expect(home.html).toContain('You now have access to the privacy console.');
    expect(home.html).toContain('href="/officer"');
    // Used codes, and nonsense, are refused with a message tied to the field.
    const again = await postForm(t, '/enrol', { code }, { token: (await signUpCitizen(t.app, t.config)).token, lang: 'en' });
    expect(again.res.status).toBe(400);
    expect(again.html).toMatch(/id="code"[^>]*aria-invalid="true"/);
    expect(again.html).toContain('This code is not valid');
  });

  it('asks a signed-out visitor to sign in or sign up right on the page, coming back to it', async () => {
    const { res, html: page } = await getPage(t, '/enrol', { lang: 'en' });
    expect(res.status).toBe(200);
    expect(page).toMatch(/id="signin-form"[^>]*data-next="\/enrol"/);
    expect(page).toMatch(/id="signup-form"[^>]*data-next="\/enrol"/);
    expect(page).not.toContain('id="enrol-form"');
    const post = await t.app.request('/enrol', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(t.config.publicUrl).origin }, body: 'code=x' });
    expect(post.status).toBe(303);
    expect(post.headers.get('location')).toMatch(/^\/signin\?next=/);
  });
});
