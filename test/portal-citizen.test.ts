/**
 * The citizen's pages through `app.request()`: the request page behind
 * `approvalUrl` readable before signing in, rejection, the consent page with its history and
 * receipts, and narrow / pause / resume / withdraw by plain forms — CSRF-protected, never
 * showing another citizen's data, in Catalan, Spanish and English.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfTokenFor } from '../src/portal/csrf.js';
import type { Locale } from '../src/portal/i18n/locale.js';
import { citizen } from '../src/portal/messages/citizen.js';
import { citizenAccessLog } from '../src/portal/messages/citizen-access-log.js';
import { citizenAccount } from '../src/portal/messages/citizen-account.js';
import { citizenConsents } from '../src/portal/messages/citizen-consents.js';
import { messages, portalTranslator } from '../src/portal/messages/index.js';
import { bearer, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { getPage, postForm } from './support/portal.js';
import { approveConsentRequest, createConsentRequest, send } from './support/requests.js';
import { setServiceStatus } from '../src/services/set-service-status.js';
import { createServiceWithKey, getServiceToken, type TestService } from './support/service-client.js';

import type { Json } from './support/json.js';

let t: TestContext;
let svc: TestService;
let token: string;
let alice: SignedInCitizen;
let bob: SignedInCitizen;
let aliceConsent: Json;
let aliceRef: string;
let bobConsent: Json;

/** A message as it appears in the HTML (hono/jsx escapes these characters). */
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const tr = (l: Locale) => portalTranslator(l);
const SERVICE_NAME = { ca: 'Servei de prova', es: 'Servicio de prueba', en: 'Test service' } as const;
const ref = (who: string) => `${who}-${Math.random().toString(36).slice(2, 10)}`;
const apiConsent = async (who: SignedInCitizen, id: string) => {
  const r = await send(t, 'GET', `/v1/me/consents/${id}`, bearer(who.token));
  expect(r.status).toBe(200);
  return r.body;
};

beforeAll(async () => {
  t = await createTestContext({ config: { sessionTtlSeconds: 40 * 86_400 } });
  svc = await createServiceWithKey(t);
  token = await getServiceToken(t.app, svc);
  alice = await signUpCitizen(t.app, t.config, { displayName: 'Alícia' });
  bob = await signUpCitizen(t.app, t.config, { displayName: 'Bob' });
  aliceRef = ref('alice');
  aliceConsent = (await approveConsentRequest(t, alice, (await createConsentRequest(t, token, aliceRef)).id)).consent;
  bobConsent = (await approveConsentRequest(t, bob, (await createConsentRequest(t, token, ref('bob'))).id)).consent;
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

describe(`the request page behind approvalUrl (${ENGINE})`, () => {
  it('shows who asks, which data, for what and until when before signing in, with a way to sign in and come back', async () => {
    const req = await createConsentRequest(t, token, ref('anon'));
    expect(req.approvalUrl).toBe(`${t.config.publicUrl}/requests/${req.id}`);
    const path = new URL(req.approvalUrl).pathname;
    const { res, html: page } = await getPage(t, path, { lang: 'en' });
    expect(res.status).toBe(200);
    expect(page).toContain('<h1>Test service asks for your permission</h1>');
    expect(page).toContain('Ajuntament de Barcelona');
    expect(page).toContain('href="mailto:dpd@example.cat"');
    expect(page).toContain('href="https://example.cat/privacy"');
    // The catalogue's plain-language descriptions of every data category, purpose and operation.
    for (const code of ['t-address', 't-income', 't-benefits', 't-use']) expect(page).toContain(`Test term ${code}`);
    expect(page).not.toContain('Test term t-health');
    expect(page).toContain('For 90 days from the day you say yes');
    expect(page).toContain(html('I allow the city to look up my address and income to process the grant.'));
    expect(page).toContain(`href="/signin?next=${encodeURIComponent(path)}"`);
    expect(page).toContain(`href="/signup?next=${encodeURIComponent(path)}"`);
    expect(page).not.toContain('id="approve-form"');
    // In Catalan, the Catalan notice and words.
    const ca = await getPage(t, path, { lang: 'ca' });
    expect(ca.html).toContain('<h1>Servei de prova et demana permís</h1>');
    expect(ca.html).toContain(html('Autoritzo l’ajuntament a consultar la meva adreça i ingressos per tramitar l’ajut.'));
  });

  it('says what an empty list of processing operations means for the citizen, in every language', async () => {
    const req = await createConsentRequest(t, token, ref('noproc'), { processing: [] });
    const path = new URL(req.approvalUrl).pathname;
    for (const lang of ['ca', 'es', 'en'] as const) {
      const { html: page } = await getPage(t, path, { lang });
      expect(page).toContain(html(citizen[lang]['terms.noProcessing']));
      expect(page).not.toContain(html(tr(lang)('common.none')));
    }
    expect(citizen.en['terms.noProcessing']).toMatch(/only for the purposes shown/);
  });

  it('offers the terms-bound passkey approval and a rejection with confirmation to a signed-in citizen', async () => {
    const req = await createConsentRequest(t, token, ref('rej'));
    const path = `/requests/${req.id}`;
    const { html: page } = await getPage(t, path, { token: alice.token, lang: 'es' });
    expect(page).toMatch(new RegExp(`<form[^>]*id="approve-form"[^>]*data-passkey="approve"[^>]*data-request-id="${req.id}"`));
    expect(page).toContain('data-lang="es"');
    expect(page).toContain(`href="${path}/reject"`);
    const confirm = await getPage(t, `${path}/reject`, { token: alice.token, lang: 'es' });
    expect(confirm.res.status).toBe(200);
    expect(confirm.html).toContain('id="reject-form"');
    // A forged post is refused and changes nothing.
    expect((await postForm(t, `${path}/reject`, {}, { token: alice.token, csrf: false })).res.status).toBe(403);
    expect((await postForm(t, `${path}/reject`, {}, { token: alice.token, headers: { origin: 'https://evil.example' } })).res.status).toBe(403);
    expect((await send(t, 'GET', `/v1/me/requests/${req.id}`, bearer(alice.token))).body.status).toBe('pending');
    const done = await postForm(t, `${path}/reject`, {}, { token: alice.token });
    expect(done.res.status).toBe(303);
    expect(done.res.headers.get('location')).toBe(`${path}?notice=rejected`);
    expect((await send(t, 'GET', `/v1/me/requests/${req.id}`, bearer(alice.token))).body.status).toBe('rejected');
    const after = await getPage(t, `${path}?notice=rejected`, { token: alice.token, lang: 'es' });
    expect(after.html).toContain(tr('es')('notice.rejected'));
    expect(after.html).toContain('data-status="rejected"');
    expect(after.html).not.toContain('id="approve-form"');
    // Once decided by Alice, it is not Bob's to see.
    expect((await getPage(t, path, { token: bob.token })).res.status).toBe(404);
  });

  it('explains an expired, cancelled or already approved request in plain words, without an approve button', async () => {
    const expiring = await createConsentRequest(t, token, ref('exp'), { expiresInDays: 1 });
    const cancelled = await createConsentRequest(t, token, ref('can'));
    expect((await send(t, 'POST', `/v1/requests/${cancelled.id}/cancel`, { authorization: `Bearer ${token}` })).status).toBe(200);
    const approved = await createConsentRequest(t, token, ref('app'));
    const consent = (await approveConsentRequest(t, alice, approved.id)).consent;

    const c1 = await getPage(t, `/requests/${cancelled.id}`, { token: alice.token, lang: 'en' });
    expect(c1.html).toContain(tr('en')('request.stateCancelled'));
    expect(c1.html).not.toContain('id="approve-form"');
    const a1 = await getPage(t, `/requests/${approved.id}`, { token: alice.token, lang: 'ca' });
    expect(a1.html).toContain('data-status="approved"');
    expect(a1.html).toContain(`href="/consents/${consent.id}"`);
    expect(a1.html).not.toContain('id="approve-form"');
    // The confirmation page of a decided request leads back to it.
    expect((await getPage(t, `/requests/${approved.id}/reject`, { token: alice.token })).res.headers.get('location')).toBe(`/requests/${approved.id}`);

    t.clock.advance(2 * 86_400_000);
    token = await getServiceToken(t.app, svc);
    const e1 = await getPage(t, `/requests/${expiring.id}`, { token: alice.token, lang: 'es' });
    expect(e1.res.status).toBe(200);
    expect(e1.html).toContain('data-status="expired"');
    expect(e1.html).toContain('pide al servicio que te envíe una nueva');
    expect(e1.html).not.toContain('id="approve-form"');
    // Rejecting it anyway: a page in the reader's language, not a raw error.
    const late = await postForm(t, `/requests/${expiring.id}/reject`, {}, { token: alice.token, lang: 'en' });
    expect(late.res.status).toBe(409);
    expect(late.html).toContain(html(tr('en')('error.request_expired')));
  });

  it('approved in the reader’s language (as the page’s script asks), the consent page says which text was accepted', async () => {
    const req = await createConsentRequest(t, token, aliceRef, { purposes: ['t-short'], durationDays: 20 });
    const page = await getPage(t, `/requests/${req.id}`, { token: alice.token, lang: 'es' });
    expect(page.html).toContain('data-lang="es"');
    expect(page.html).toContain(html('Autorizo al ayuntamiento a consultar mi dirección e ingresos para tramitar la ayuda.'));
    const consent = (await approveConsentRequest(t, alice, req.id, 'es')).consent;
    expect(consent.notice.language).toBe('es');
    const shown = await getPage(t, `/consents/${consent.id}?notice=approved`, { token: alice.token, lang: 'es' });
    expect(shown.html).toContain(tr('es')('notice.approved'));
    expect(shown.html).toContain('Versión 2026-11, en español');
    // It ends within 30 days: the home page lists it as expiring soon.
    const home = await getPage(t, '/', { token: alice.token, lang: 'es' });
    expect(/<ul id="expiring-consents">([\s\S]*?)<\/ul>/.exec(home.html)?.[1]).toContain(`/consents/${consent.id}`);
    expect(/<ul id="expiring-consents">([\s\S]*?)<\/ul>/.exec(home.html)?.[1]).not.toContain(`/consents/${aliceConsent.id}`);
  });

  it('offers no approval while the service is suspended', async () => {
    const other = await createServiceWithKey(t);
    const req = await createConsentRequest(t, await getServiceToken(t.app, other), ref('susp'));
    await setServiceStatus(t.db, other.id, 'suspended', { clock: t.clock, random: t.deps.random, actor: { type: 'admin', id: 'test' } });
    const page = await getPage(t, `/requests/${req.id}`, { token: alice.token, lang: 'en' });
    expect(page.html).toContain('data-status="service-suspended"');
    expect(page.html).not.toContain('id="approve-form"');
  });

  it('is a 404 page for an unknown or malformed id', async () => {
    expect((await getPage(t, '/requests/0190f3c8-0000-7000-8000-000000000000')).res.status).toBe(404);
    expect((await getPage(t, '/requests/nope', { token: alice.token })).res.status).toBe(404);
  });
});

describe(`consent pages (${ENGINE})`, () => {
  it('show the terms, the history and the signed receipts of my consent after approval', async () => {
    const { res, html: page } = await getPage(t, `/consents/${aliceConsent.id}?notice=approved`, { token: alice.token, lang: 'en' });
    expect(res.status).toBe(200);
    expect(page).toContain(html(tr('en')('notice.approved')));
    expect(page).toContain('<h1>Your permission to Test service</h1>');
    expect(page).toContain('data-status="active"');
    expect(page).toContain('Test term t-income');
    expect(page).toContain('id="consent-history"');
    expect(page).toContain(`href="/consents/${aliceConsent.id}/receipts/1.jws"`);
    for (const id of ['narrow-link', 'pause-link', 'withdraw-link']) expect(page).toContain(`id="${id}"`);

    const receipts = (await send(t, 'GET', `/v1/me/consents/${aliceConsent.id}/receipts`, bearer(alice.token))).body.items;
    const jws = await t.app.request(`/consents/${aliceConsent.id}/receipts/1.jws`, { headers: { cookie: `__Host-permis_session=${alice.token}` } });
    expect(jws.status).toBe(200);
    expect(jws.headers.get('content-type')).toContain('application/jose');
    expect(jws.headers.get('content-disposition')).toContain('attachment');
    expect(await jws.text()).toBe(receipts[0].jws);
    const bundle = await t.app.request(`/consents/${aliceConsent.id}/receipts.json`, { headers: { cookie: `__Host-permis_session=${alice.token}` } });
    expect(((await bundle.json()) as Json).items.map((r: Json) => r.jws)).toEqual(receipts.map((r: Json) => r.jws));
    expect((await getPage(t, `/consents/${aliceConsent.id}/receipts/9.jws`, { token: alice.token })).res.status).toBe(404);
  });

  it("never shows another citizen's consent: 404 page, absent from lists and receipts", async () => {
    for (const path of [`/consents/${aliceConsent.id}`, `/consents/${aliceConsent.id}/receipts/1.jws`, `/consents/${aliceConsent.id}/withdraw`, `/consents/${aliceConsent.id}/narrow`]) {
      const r = await getPage(t, path, { token: bob.token, lang: 'en' });
      expect(r.res.status, path).toBe(404);
      expect(r.html).toContain(html(tr('en')('error.not_found')));
    }
    expect((await postForm(t, `/consents/${aliceConsent.id}/withdraw`, {}, { token: bob.token })).res.status).toBe(404);
    const list = await getPage(t, '/consents', { token: bob.token });
    expect(list.html).toContain(`/consents/${bobConsent.id}`);
    expect(list.html).not.toContain(aliceConsent.id);
    const home = await getPage(t, '/', { token: bob.token });
    expect(home.html).toContain(`/consents/${bobConsent.id}`);
    expect(home.html).not.toContain(aliceConsent.id);
    expect((await apiConsent(alice, aliceConsent.id)).status).toBe('active');
  });

  it('sends a signed-out visitor to sign in and back', async () => {
    const res = await t.app.request(`/consents/${aliceConsent.id}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/signin?next=${encodeURIComponent(`/consents/${aliceConsent.id}`)}`);
  });

  it('pause, resume, narrow and withdraw by forms change the consent, each after a confirmation page', async () => {
    const consent = (await approveConsentRequest(t, alice, (await createConsentRequest(t, token, ref('acts'))).id)).consent;
    const base = `/consents/${consent.id}`;

    const pauseConfirm = await getPage(t, `${base}/pause`, { token: alice.token, lang: 'ca' });
    expect(pauseConfirm.html).toContain('id="pause-form"');
    // Without the token, or from another site: refused, nothing changes.
    expect((await postForm(t, `${base}/pause`, {}, { token: alice.token, csrf: false })).res.status).toBe(403);
    expect((await postForm(t, `${base}/pause`, {}, { token: alice.token, csrf: 'x'.repeat(43) })).res.status).toBe(403);
    expect((await postForm(t, `${base}/pause`, {}, { token: alice.token, headers: { origin: 'https://evil.example' } })).res.status).toBe(403);
    expect((await postForm(t, `${base}/pause`, {}, { token: alice.token, headers: { 'sec-fetch-site': 'cross-site' } })).res.status).toBe(403);
    expect((await postForm(t, `${base}/pause`, {}, { token: alice.token, csrf: await csrfTokenFor(bob.token) })).res.status).toBe(403);
    expect((await apiConsent(alice, consent.id)).status).toBe('active');

    const paused = await postForm(t, `${base}/pause`, {}, { token: alice.token });
    expect(paused.res.status).toBe(303);
    expect(paused.res.headers.get('location')).toBe(`${base}?notice=paused`);
    expect((await apiConsent(alice, consent.id)).status).toBe('paused');
    const page = await getPage(t, base, { token: alice.token });
    expect(page.html).toContain('id="resume-link"');
    expect(page.html).not.toContain('id="pause-link"');
    // Pausing again is not offered: the confirmation page leads back.
    expect((await getPage(t, `${base}/pause`, { token: alice.token })).res.status).toBe(303);

    expect((await getPage(t, `${base}/resume`, { token: alice.token })).html).toContain('id="resume-form"');
    expect((await postForm(t, `${base}/resume`, {}, { token: alice.token })).res.headers.get('location')).toBe(`${base}?notice=resumed`);
    expect((await apiConsent(alice, consent.id)).status).toBe('active');

    // Narrow: keep one category and end earlier.
    const narrowPage = await getPage(t, `${base}/narrow`, { token: alice.token, lang: 'en' });
    expect(narrowPage.html).toContain('id="narrow-form"');
    expect(narrowPage.html).toContain('id="category-t-income"');
    const none = await postForm(t, `${base}/narrow`, { purposes: 't-benefits', validUntil: '' }, { token: alice.token, lang: 'en' });
    expect(none.res.status).toBe(400);
    expect(none.html).toContain(html(tr('en')('narrow.needCategory')));
    expect(none.html).toMatch(/id="category-t-address"[^>]*aria-invalid="true"/);
    const unchanged = await postForm(t, `${base}/narrow`, { purposes: 't-benefits', categories: ['t-address', 't-income'] }, { token: alice.token, lang: 'en' });
    expect(unchanged.res.status).toBe(400);
    expect(unchanged.html).toContain(html(tr('en')('narrow.nothingChanged')));
    const before = await apiConsent(alice, consent.id);
    const day = new Date(t.clock.now().getTime() + 10 * 86_400_000).toISOString().slice(0, 10);
    const narrowed = await postForm(t, `${base}/narrow`, { purposes: 't-benefits', categories: 't-address', validUntil: day }, { token: alice.token });
    expect(narrowed.res.status, narrowed.html).toBe(303);
    expect(narrowed.res.headers.get('location')).toBe(`${base}?notice=narrowed`);
    const after = await apiConsent(alice, consent.id);
    expect(after.dataCategories).toEqual(['t-address']);
    expect(after.revision).toBe(before.revision + 1);
    expect(Date.parse(after.validUntil)).toBeLessThan(Date.parse(before.validUntil));
    expect(after.validUntil.slice(0, 10) <= day).toBe(true);
    // Widening is impossible through the form as through the API.
    const wider = await postForm(t, `${base}/narrow`, { purposes: 't-benefits', categories: ['t-address', 't-income'] }, { token: alice.token, lang: 'en' });
    expect(wider.res.status).toBe(400);
    expect((await apiConsent(alice, consent.id)).dataCategories).toEqual(['t-address']);

    const withdrawPage = await getPage(t, `${base}/withdraw`, { token: alice.token, lang: 'es' });
    expect(withdrawPage.html).toContain('id="withdraw-form"');
    expect(withdrawPage.html).toContain('Es definitivo');
    expect((await postForm(t, `${base}/withdraw`, {}, { token: alice.token })).res.headers.get('location')).toBe(`${base}?notice=withdrawn`);
    expect((await apiConsent(alice, consent.id)).status).toBe('withdrawn');
    const ended = await getPage(t, `${base}?notice=withdrawn`, { token: alice.token, lang: 'en' });
    expect(ended.html).toContain('data-status="withdrawn"');
    expect(ended.html).not.toContain('id="withdraw-link"');
    // The history lists every revision; receipts exist for each.
    for (let n = 1; n <= after.revision + 1; n++) expect(ended.html).toContain(`/receipts/${n}.jws`);
    // Acting on a withdrawn consent: a page in the reader's language.
    const again = await postForm(t, `${base}/pause`, {}, { token: alice.token, lang: 'en' });
    expect(again.res.status).toBe(409);
    expect(again.html).toContain(html(tr('en')('error.illegal_transition')));
    // Filter by status.
    const list = await getPage(t, '/consents?status=withdrawn', { token: alice.token });
    expect(list.html).toContain(`/consents/${consent.id}`);
    expect(list.html).not.toContain(`/consents/${aliceConsent.id}"`);
  });
});

describe(`every citizen page in three languages (${ENGINE})`, () => {
  it("uses its own messages: no other area's key overrides a citizen key in the merged catalogue", () => {
    for (const area of [citizen, citizenConsents, citizenAccount, citizenAccessLog]) {
      for (const l of ['ca', 'es', 'en'] as const) {
        for (const [k, v] of Object.entries(area[l])) expect(messages[l][k as keyof typeof messages.ca], `${l} ${k}`).toBe(v);
      }
    }
  });

  it.each(['ca', 'es', 'en'] as const)('renders in %s for a signed-in citizen', async (lang) => {
    const t_ = tr(lang);
    // A new request for the subjectRef the service already knows Alice by is addressed to her.
    const pending = await createConsentRequest(t, token, aliceRef, { purposes: ['t-research'] });
    const pages: [string, string][] = [
      ['/', t_('home.hello', { name: 'Alícia' })],
      ['/consents', t_('consents.title')],
      [`/consents/${aliceConsent.id}`, t_('consent.title', { service: SERVICE_NAME[lang] })],
      [`/consents/${aliceConsent.id}/narrow`, t_('narrow.title', { service: SERVICE_NAME[lang] })],
      [`/consents/${aliceConsent.id}/pause`, t_('pause.title', { service: SERVICE_NAME[lang] })],
      [`/consents/${aliceConsent.id}/withdraw`, t_('withdraw.title', { service: SERVICE_NAME[lang] })],
      [`/requests/${pending.id}`, t_('request.title', { service: SERVICE_NAME[lang] })],
      [`/requests/${pending.id}/reject`, t_('reject.title', { service: SERVICE_NAME[lang] })],
      ['/access-log', t_('accessLog.title')],
      ['/account', t_('account.title')],
      ['/account/erase', t_('erase.title')],
      ['/enrol', t_('enrol.title')],
    ];
    for (const [path, heading] of pages) {
      const { res, html: page } = await getPage(t, path, { token: alice.token, lang });
      expect(res.status, path).toBe(200);
      expect(page, path).toContain(`<html lang="${lang}">`);
      expect(page, path).toContain(`<h1>${html(heading)}</h1>`);
      expect(page.match(/<h1[ >]/g), path).toHaveLength(1);
      // No inline script or style (CSP), no duplicate ids.
      expect(page).not.toMatch(/\sstyle=/);
      const ids = [...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
      expect(new Set(ids).size, `${path} ${ids.join(' ')}`).toBe(ids.length);
    }
    // The pending request is on the home page.
    expect((await getPage(t, '/', { token: alice.token, lang })).html).toContain(`href="/requests/${pending.id}"`);
    expect((await getPage(t, '/', { token: bob.token, lang })).html).not.toContain(pending.id);
  });
});
