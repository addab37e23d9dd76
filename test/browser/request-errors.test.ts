/**
 * Journey (d), the request part: an expired request and an already-answered one give a clear
 * message in the person's language, no approve button, and a way forward; a request that
 * expires or is cancelled while the page is open gives the translated message when the person
 * tries to approve it, never a raw error.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBody } from '../support/requests.js';
import { launchBrowser, openJourney, waitForPath } from './support/browser.js';
import { ENERGY_SERVICE, serviceWithSdk, signUpInBrowser } from './support/people.js';
import { startPortal, type PortalServer } from './support/server.js';

let server: PortalServer;
let browser: Browser;
let sdk: Awaited<ReturnType<typeof serviceWithSdk>>;

beforeAll(async () => {
  // Sessions outlive the requests' expiry, so the test clock can move past it.
  server = await startPortal({ sessionTtlSeconds: 40 * 86_400 });
  browser = await launchBrowser();
  sdk = await serviceWithSdk(server, ENERGY_SERVICE);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const ask = (subjectRef: string, extra: Record<string, unknown> = {}) =>
  sdk.client.requestConsent(
    requestBody(subjectRef, { purposes: ENERGY_SERVICE.purposes, dataCategories: ['postal-address'], processing: ['consult'], ...extra }) as Parameters<
      typeof sdk.client.requestConsent
    >[0],
  );
const DAY = 86_400_000;

describe('journey: requests that can no longer be approved', () => {
  it('an expired request says so in Catalan, with no approve button', async () => {
    const j = await openJourney(browser, server, { locale: 'ca-ES' });
    try {
      await signUpInBrowser(j, 'Pere');
      const req = await ask(`pere-${Date.now()}`, { expiresInDays: 1 });
      // Open while still pending: the approve button is there.
      await j.page.goto(req.approvalUrl);
      await j.page.locator('#approve-form').waitFor();
      server.t.clock.advance(DAY + 60_000);

      // The person presses it after the request expired: the translated message, no raw error.
      await j.page.locator('#approve-form button[type="submit"]').click();
      await j.page.getByRole('alert').filter({ hasText: 'Aquesta sol·licitud ha caducat. Demana al servei que te n’enviï una de nova.' }).waitFor();
      await j.check();

      // Reloaded: the page says it expired, with no approve form and a way home.
      await j.page.reload({ waitUntil: 'load' });
      expect(await j.page.locator('#request-state').getAttribute('data-status')).toBe('expired');
      expect(await j.page.locator('#approve-form').count()).toBe(0);
      expect(await j.page.locator('#request-state a[href="/"]').count()).toBe(1);
      await j.check('request-expired-ca');
    } finally {
      await j.close();
    }
  });

  it('an already-approved request says so in English, with no approve button and a link to the consent', async () => {
    const j = await openJourney(browser, server, { locale: 'en-GB' });
    try {
      await signUpInBrowser(j, 'Sam');
      const req = await ask(`sam-${Date.now()}`);
      await j.page.goto(req.approvalUrl);
      await j.page.locator('#approve-form button[type="submit"]').click();
      await j.page.waitForURL((u) => u.pathname.startsWith('/consents/'), { waitUntil: 'load' });
      const consentPath = new URL(j.page.url()).pathname;

      await j.page.goto(req.approvalUrl);
      expect(await j.page.locator('#request-state').getAttribute('data-status')).toBe('approved');
      expect(await j.page.locator('#approve-form').count()).toBe(0);
      await j.page.locator(`#request-state a[href="${consentPath}"]`).click();
      await waitForPath(j.page, consentPath);
      await j.check();
    } finally {
      await j.close();
    }
  });

  it('a request cancelled while its page is open gives the translated message when approving (Spanish)', async () => {
    const j = await openJourney(browser, server, { locale: 'es-ES' });
    try {
      await signUpInBrowser(j, 'Lucía');
      const req = await ask(`lucia-${Date.now()}`);
      await j.page.goto(req.approvalUrl);
      await j.page.locator('#approve-form').waitFor();
      await sdk.client.cancelRequest(req.id);
      await j.page.locator('#approve-form button[type="submit"]').click();
      await j.page.getByRole('alert').filter({ hasText: 'Esta solicitud ya se ha respondido o se ha cancelado.' }).waitFor();
      await j.check();
      await j.page.reload({ waitUntil: 'load' });
      expect(await j.page.locator('#request-state').getAttribute('data-status')).toBe('cancelled');
      expect(await j.page.locator('#approve-form').count()).toBe(0);
      await j.check();
    } finally {
      await j.close();
    }
  });
});
