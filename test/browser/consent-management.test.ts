/**
 * A citizen looks after a consent in the browser, axe on every page: home
 * lists the pending request; the approved consent's receipts download and verify with the
 * published keys (the SDK's verifier); narrowing (first with nothing kept, to see the errors
 * tied to their fields), pausing and resuming each change what the service's check answers;
 * the consents list filters by status; a second passkey is added on the account page; the data
 * export downloads; and erasing the account (with an explicit confirmation) ends everything.
 */
import { createPublicClient } from '@permis/sdk';
import { verifyReceiptChain } from '@permis/sdk/verify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBody } from '../support/requests.js';
import { launchBrowser, openJourney, switchDevice, waitForPath } from './support/browser.js';
import { ENERGY_SERVICE, serviceWithSdk, signOutInBrowser, signUpInBrowser } from './support/people.js';
import { startPortal, type PortalServer } from './support/server.js';

let server: PortalServer;
let browser: Browser;

beforeAll(async () => {
  server = await startPortal();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Clicks `link`, confirms on the page it opens (its only POST form), and waits for the consent page. */
async function confirmAction(page: Page, consentId: string, action: 'pause' | 'resume' | 'withdraw') {
  await page.locator(`#${action}-link`).click();
  await waitForPath(page, `/consents/${consentId}/${action}`);
}
const downloadText = async (page: Page, click: () => Promise<void>): Promise<string> => {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

describe('journey: looking after a consent', () => {
  it('approves from home, verifies receipts, narrows, pauses, resumes, adds a passkey, exports and erases', async () => {
    const { client } = await serviceWithSdk(server, { ...ENERGY_SERVICE, purposes: ['energy-poverty-support', 'service-improvement'] });
    const subjectRef = `manage-${Date.now()}`;
    const check = (purpose = 'energy-poverty-support', dataCategory = 'income-band') => client.check({ subjectRef, purpose, dataCategory });
    const j = await openJourney(browser, server, { locale: 'ca-ES' });
    const { page } = j;
    try {
      await signUpInBrowser(j, 'Montse');
      const notice = {
        version: '2026-11',
        texts: {
          ca: 'Autoritzo l’Ajuntament a fer servir aquestes dades per a l’ajut i per millorar el servei.',
          es: 'Autorizo al Ayuntamiento a usar estos datos para la ayuda y para mejorar el servicio.',
          en: 'I allow the City Council to use these data for the support and to improve the service.',
        },
      };
      const ask = (extra: Record<string, unknown>) =>
        client.requestConsent(requestBody(subjectRef, { processing: ['consult', 'use'], notice, ...extra }) as Parameters<typeof client.requestConsent>[0]);
      // A first request, approved through its link, binds her to this service's subjectRef …
      const first = await ask({ purposes: ['energy-poverty-support'], dataCategories: ['postal-address'], durationDays: 20 });
      await page.goto(first.approvalUrl);
      await page.locator('#approve-form button[type="submit"]').click();
      await page.waitForURL((u) => u.pathname.startsWith('/consents/'), { waitUntil: 'load' });
      const firstConsentId = new URL(page.url()).pathname.split('/')[2]!;
      // … so the service's later requests wait for her on home: she turns one down …
      const unwanted = await ask({ purposes: ['service-improvement'], dataCategories: ['energy-consumption'] });
      await j.goto('/');
      await page.locator(`#pending-requests a[href="/requests/${unwanted.id}"]`).click();
      await waitForPath(page, `/requests/${unwanted.id}`);
      await page.locator('#reject-link').click();
      await waitForPath(page, `/requests/${unwanted.id}/reject`);
      await j.check();
      await page.locator('#reject-form button[type="submit"]').click();
      await waitForPath(page, `/requests/${unwanted.id}`);
      expect(await page.locator('#request-state').getAttribute('data-status')).toBe('rejected');
      await j.check();
      // … and approves the next one from home.
      const req = await ask({ purposes: ['energy-poverty-support', 'service-improvement'], dataCategories: ['income-band', 'energy-consumption'] });
      await j.goto('/');
      await page.locator(`#pending-requests a[href="/requests/${req.id}"]`).waitFor();
      expect(await page.locator(`#pending-requests a[href="/requests/${unwanted.id}"]`).count()).toBe(0);
      await j.check();
      await page.locator(`#pending-requests a[href="/requests/${req.id}"]`).click();
      await page.locator('#approve-form button[type="submit"]').click();
      await page.waitForURL((u) => u.pathname.startsWith('/consents/'), { waitUntil: 'load' });
      const consentId = new URL(page.url()).pathname.split('/')[2]!;
      expect((await check('service-improvement', 'energy-consumption')).decision).toBe('permit');
      await j.goto('/');
      await page.locator(`#active-consents a[href="/consents/${consentId}"]`).waitFor();
      // The 20-day consent is among those ending soon; the 90-day one is not.
      expect(await page.locator(`#expiring-consents a[href="/consents/${firstConsentId}"]`).count()).toBe(1);
      expect(await page.locator(`#expiring-consents a[href="/consents/${consentId}"]`).count()).toBe(0);
      await j.check('home-ca');

      // Receipts: each downloaded JWS verifies, as a chain, against the published JWKS.
      await j.goto(`/consents/${consentId}`);
      const jws1 = await downloadText(page, () => page.locator('#consent-receipts a').first().click());
      const jwks = await createPublicClient({ baseUrl: server.directUrl }).jwks();
      const [r1] = await verifyReceiptChain([jws1], jwks);
      expect(r1!.claims).toMatchObject({ consentId, revision: 1 });

      // Narrow: nothing kept is an error tied to its fields; then keep only the support and the income band.
      await page.locator('#narrow-link').click();
      await waitForPath(page, `/consents/${consentId}/narrow`);
      await j.check();
      const narrow = page.locator(`form[action="/consents/${consentId}/narrow"]`);
      for (const box of await narrow.locator('input[type="checkbox"]').all()) await box.uncheck();
      await narrow.locator('button[type="submit"]').click();
      await page.locator('.error-summary').waitFor();
      expect(await page.locator('#purpose-energy-poverty-support').getAttribute('aria-invalid')).toBe('true');
      await j.check('narrow-errors-ca');
      await page.locator('#purpose-energy-poverty-support').check();
      await page.locator('#category-income-band').check();
      await narrow.locator('button[type="submit"]').click();
      await waitForPath(page, `/consents/${consentId}`);
      expect((await check('service-improvement', 'income-band')).decision).toBe('deny');
      expect((await check('energy-poverty-support', 'energy-consumption')).decision).toBe('deny');
      expect((await check()).decision).toBe('permit');
      await j.check();

      // The receipts now form a chain of two.
      const jws2 = await downloadText(page, () => page.locator('#consent-receipts a[href$="/receipts/2.jws"]').click());
      expect((await verifyReceiptChain([jws1, jws2], jwks)).map((r) => r.claims.revision)).toEqual([1, 2]);

      // Pause, then resume: the check follows.
      await confirmAction(page, consentId, 'pause');
      await j.check();
      await page.locator(`form[action="/consents/${consentId}/pause"] button[type="submit"]`).click();
      await waitForPath(page, `/consents/${consentId}`);
      expect(await page.locator('#consent-status').getAttribute('data-status')).toBe('paused');
      expect((await check()).decision).toBe('deny');
      await j.check();
      await confirmAction(page, consentId, 'resume');
      await j.check();
      await page.locator(`form[action="/consents/${consentId}/resume"] button[type="submit"]`).click();
      await waitForPath(page, `/consents/${consentId}`);
      expect(await page.locator('#consent-status').getAttribute('data-status')).toBe('active');
      expect((await check()).decision).toBe('permit');
      await j.check();

      // The list, filtered by status.
      await j.goto('/consents?status=active');
      expect(await page.locator(`#consents-table a[href="/consents/${consentId}"]`).count()).toBe(1);
      await j.check();
      await page.locator('#status').selectOption('withdrawn');
      await page.locator('#consents-filter button[type="submit"]').click();
      await page.waitForURL((u) => u.searchParams.get('status') === 'withdrawn', { waitUntil: 'load' });
      await page.locator('#consents-empty').waitFor();
      await j.check();

      // A second passkey (another authenticator of hers) on the account page.
      await j.goto('/account');
      expect(await page.locator('#passkey-list > li').count()).toBe(1);
      await j.check('account-ca');
      await page.locator('#new-passkey-name').fill('Tauleta');
      // On the same device: the authenticator already holds her passkey; the page says so.
      await page.locator('#add-passkey-form button[type="submit"]').click();
      await page.getByRole('alert').filter({ hasText: 'Aquest dispositiu ja té una clau d’accés per a aquest compte.' }).waitFor();
      await j.check();
      // On another device (a new authenticator), it is added.
      await switchDevice(j);
      await page.locator('#add-passkey-form button[type="submit"]').click();
      await page.waitForURL((u) => u.searchParams.get('notice') === 'passkey-added', { waitUntil: 'load' });
      expect(await page.locator('#passkey-list > li').count()).toBe(2);
      expect(await page.locator('#passkey-list').innerText()).toContain('Tauleta');
      await j.check();
      // The new device's passkey signs her in.
      await signOutInBrowser(j);
      await page.locator('#signin-form button[type="submit"]').click();
      await waitForPath(page, '/');
      await j.goto('/account');

      // Her data, downloaded.
      const exported = JSON.parse(await downloadText(page, () => page.locator('#export-link').click())) as unknown;
      expect(JSON.stringify(exported)).toContain(consentId);

      // Erasure: the confirmation must be ticked; then she is signed out and the consent ends.
      await page.locator('#erase-link').click();
      await waitForPath(page, '/account/erase');
      await j.check();
      // Not ticked: the browser's own validation keeps the form from being sent.
      await page.locator('#erase-form button[type="submit"]').click();
      expect(await page.locator('#erase-confirm').evaluate((e) => (e as HTMLInputElement).validity.valueMissing)).toBe(true);
      expect(new URL(page.url()).pathname).toBe('/account/erase');
      expect((await check()).decision).toBe('permit');
      await page.getByLabel('Entenc que el meu compte s’esborrarà per sempre').check();
      await page.locator('#erase-form button[type="submit"]').click();
      await waitForPath(page, '/');
      expect(await page.locator('form[action="/signout"]').count()).toBe(0);
      await j.check();
      expect((await check()).decision).toBe('deny');
      await j.goto('/consents');
      await waitForPath(page, '/signin');
    } finally {
      await j.close();
    }
  });
});
