/**
 * Journey (e), the security rules a person can see: a citizen cannot reach the officer console
 * or the admin pages (a translated 403 page); a form another site submits in the citizen's
 * browser is refused and the consent stays active (while the same form from the portal's own
 * page works); and no page shows another citizen's data.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfTokenFor } from '../../src/portal/csrf.js';
import { signUpCitizen, type SignedInCitizen } from '../support/citizen.js';
import { approveConsentRequest, createConsentRequest } from '../support/requests.js';
import { getServiceToken } from '../support/service-client.js';
import { launchBrowser, openJourney, responseStatus } from './support/browser.js';
import { signInWithApiPasskey, serviceWithSdk } from './support/people.js';
import { listen, startPortal, type PortalServer } from './support/server.js';

let server: PortalServer;
let browser: Browser;
let alice: SignedInCitizen;
let bob: SignedInCitizen;
const aliceRef = `alice-${Date.now()}`;
const bobRef = `bob-${Date.now()}`;
const aliceNotice = 'AVÍS-NOMÉS-ALICE: la meva adreça per a l’ajut de menjador';
let aliceRequestId: string;
let aliceConsentId: string;
let bobConsentId: string;
let aliceRequestPendingId: string;

beforeAll(async () => {
  server = await startPortal();
  browser = await launchBrowser();
  const { t } = server;
  const { svc, client } = await serviceWithSdk(server);
  alice = await signUpCitizen(t.app, t.config, { displayName: 'Alice Ferrer' });
  bob = await signUpCitizen(t.app, t.config, { displayName: 'Bob Puig' });
  const token = await getServiceToken(t.app, svc);
  const texts = { ca: aliceNotice, es: aliceNotice, en: aliceNotice };
  const aReq = await createConsentRequest(t, token, aliceRef, { notice: { version: 'alice-1', texts } });
  aliceRequestId = aReq.id;
  aliceConsentId = (await approveConsentRequest(t, alice, aReq.id)).consent.id;
  bobConsentId = (await approveConsentRequest(t, bob, (await createConsentRequest(t, token, bobRef, { purposes: ['t-research'] })).id)).consent.id;
  // A second request for Alice, bound to her (her subjectRef), still pending.
  aliceRequestPendingId = (await createConsentRequest(t, token, aliceRef, { purposes: ['t-research'], notice: { version: 'alice-2', texts } })).id;
  // Checks in both access logs, integrated.
  await client.check({ subjectRef: aliceRef, purpose: 't-benefits', dataCategory: 't-address' });
  await client.check({ subjectRef: bobRef, purpose: 't-research', dataCategory: 't-address' });
  await server.integrate();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const consentStatus = async (id: string) => (await server.t.db.query<{ status: string }>('select status from consents where id = $1', [id]))[0]?.status;

describe('journey: security in the browser', () => {
  it('a citizen gets a translated 403 page for the officer console and the admin pages', async () => {
    const j = await openJourney(browser, server, { locale: 'ca-ES' });
    try {
      await signInWithApiPasskey(j, alice);
      for (const path of ['/officer', '/officer/stats', '/officer/log', '/officer/export?format=csv', '/admin', '/admin/services', '/admin/catalogue', '/admin/roles']) {
        const res = await j.page.goto(server.url + path);
        expect(res!.status(), path).toBe(403);
        await j.page.getByText('No tens permís per veure aquesta pàgina.').waitFor();
        expect(await j.page.locator('main').innerText()).not.toContain('Alice');
        await j.check();
      }
      // The navigation offers neither.
      await j.goto('/');
      const nav = j.page.getByRole('navigation', { name: 'Navegació principal' });
      expect(await nav.getByRole('link', { name: 'Consola de privacitat' }).count()).toBe(0);
      expect(await nav.getByRole('link', { name: 'Administració' }).count()).toBe(0);
    } finally {
      await j.close();
    }
  });

  it('a form another site submits in the citizen’s browser is refused; the consent stays active', async () => {
    const csrf = await csrfTokenFor(alice.token);
    // The worst case: the other site even knows the form token.
    const attackerPage = (withToken: boolean) => `<!doctype html><html lang="en"><head><title>Win a prize</title></head><body>
      <form id="f" method="post" action="${server.url}/consents/${aliceConsentId}/withdraw">
        ${withToken ? `<input type="hidden" name="_csrf" value="${csrf}">` : ''}
      </form>
      <script>document.getElementById('f').submit()</script></body></html>`;
    let withToken = true;
    const attacker = await listen(() => new Response(attackerPage(withToken), { headers: { 'content-type': 'text/html; charset=utf-8' } }));
    const j = await openJourney(browser, server, { locale: 'en-GB' });
    try {
      await signInWithApiPasskey(j, alice);
      for (const token of [true, false]) {
        withToken = token;
        const answer = j.page.waitForResponse((r) => r.url().endsWith(`/consents/${aliceConsentId}/withdraw`) && r.request().method() === 'POST');
        await j.page.goto(`http://127.0.0.1:${attacker.port}/`);
        const res = await answer;
        expect(res.status(), `cross-site post ${token ? 'with' : 'without'} the token`).toBe(403);
        await j.page.waitForURL((u) => u.origin === server.url, { waitUntil: 'load' });
        expect(await responseStatus(j.page)).toBe(403);
        expect(await consentStatus(aliceConsentId)).toBe('active');
        j.problems.length = 0; // the attacker's inline script is not the portal's
      }
      await j.check();

      // Control: the very same form, submitted from the portal's own confirmation page, works.
      await j.goto(`/consents/${aliceConsentId}`);
      expect(await j.page.locator('#consent-status').getAttribute('data-status')).toBe('active');
      await j.goto(`/consents/${aliceConsentId}/withdraw`);
      await j.page.locator(`form[action="/consents/${aliceConsentId}/withdraw"] button[type="submit"]`).click();
      await j.page.waitForURL((u) => u.pathname === `/consents/${aliceConsentId}`, { waitUntil: 'load' });
      expect(await consentStatus(aliceConsentId)).toBe('withdrawn');
      j.assertClean();
    } finally {
      await j.close();
      await attacker.close();
    }
  });

  it('no page shows another citizen’s data', async () => {
    const j = await openJourney(browser, server, { locale: 'ca-ES' });
    const secrets = [aliceConsentId, aliceRequestId, aliceRequestPendingId, aliceRef, 'Alice', 'AVÍS-NOMÉS-ALICE'];
    const leaks = async (path: string) => {
      const res = await j.page.goto(server.url + path);
      // The address itself (echoed in the language switch's links) is what Bob typed, not data.
      const html = (await j.page.content()).replaceAll(path.replaceAll('&', '&amp;'), '').replaceAll(encodeURIComponent(path), '');
      return { status: res!.status(), found: secrets.filter((s) => html.includes(s)) };
    };
    try {
      await signInWithApiPasskey(j, bob);
      // Bob's own pages show his things and none of Alice's.
      for (const path of ['/', '/consents', '/consents?status=withdrawn', '/access-log', `/consents/${bobConsentId}`, '/account']) {
        const r = await leaks(path);
        expect(r, path).toEqual({ status: 200, found: [] });
        await j.check();
      }
      expect(await j.page.goto(server.url + '/consents').then(() => j.page.content())).toContain(bobConsentId);
      // Alice's things, asked for by address: not found, and nothing of hers on the page.
      for (const path of [
        `/consents/${aliceConsentId}`,
        `/consents/${aliceConsentId}/withdraw`,
        `/consents/${aliceConsentId}/pause`,
        `/consents/${aliceConsentId}/narrow`,
        `/consents/${aliceConsentId}/receipts.json`,
        `/consents/${aliceConsentId}/receipts/1.jws`,
        `/requests/${aliceRequestId}`,
        `/requests/${aliceRequestPendingId}`,
        `/requests/${aliceRequestPendingId}/reject`,
      ]) {
        const r = await leaks(path);
        expect(r.found, path).toEqual([]);
        expect(r.status, path).toBe(404);
        await j.check();
      }
    } finally {
      await j.close();
    }
  });
});
