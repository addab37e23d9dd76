/**
 * Journey: a citizen hears before a consent ends and renews it in one step. She approves a
 * service's request, adds an e-mail address and confirms it from the message that reaches a
 * real SMTP server; 30 days before the end (an injected clock) the reminder arrives in Catalan
 * with one-click unsubscribe headers; she sees it in the inbox, follows the e-mail's link,
 * signs in again and renews with her passkey; the service gets `consent.renewed` and its check
 * permits after the old end. Every page passes axe.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevMailServer, startDevMailServer } from '../../src/entry/dev-mail-server.js';
import { smtpTransport } from '../../src/entry/smtp-transport.js';
import { deliverMail } from '../../src/jobs/mail-delivery.js';
import { scanReminders } from '../../src/jobs/reminder-scan.js';
import { composeMail } from '../../src/portal/mail/compose-mail.js';
import { launchBrowser, openJourney, waitForPath } from './support/browser.js';
import { ENERGY_SERVICE, serviceWithSdk } from './support/people.js';
import { startPortal, type PortalServer } from './support/server.js';

const DAY = 86_400_000;
let server: PortalServer;
let browser: Browser;
let smtp: DevMailServer;
let transport: ReturnType<typeof smtpTransport>;

beforeAll(async () => {
  smtp = await startDevMailServer();
  transport = smtpTransport(smtp.url);
  server = await startPortal();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  transport?.close();
  await smtp?.close();
});

/** What the node job loop does every few seconds: send the mail outbox. */
const sendMail = () => deliverMail(server.t.deps, { transport, compose: composeMail });
const linksIn = (text: string) => [...text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);

describe('journey: confirm an address, get a reminder, follow it, renew', () => {
  it('renews in one step from the Catalan reminder e-mail', async () => {
    const { client } = await serviceWithSdk(server, ENERGY_SERVICE);
    const subjectRef = `citizen-${Date.now()}`;
    const check = () => client.check({ subjectRef, purpose: 'energy-poverty-support', dataCategory: 'postal-address' });
    const citizen = await openJourney(browser, server, { locale: 'ca-ES' });
    const { page } = citizen;
    try {
      const req = await client.requestConsent({
        subjectRef,
        purposes: ENERGY_SERVICE.purposes,
        dataCategories: ENERGY_SERVICE.categories,
        processing: ENERGY_SERVICE.processing,
        durationDays: 90,
        notice: { version: '2026-11', texts: { ca: 'Autoritzo l’Ajuntament a consultar les meves dades per tramitar l’ajut.' } },
      });
      await page.goto(`${server.url}/signup?next=${encodeURIComponent(`/requests/${req.id}`)}`, { waitUntil: 'load' });
      await page.locator('#displayName').fill('Montse');
      await page.locator('#signup-form button[type="submit"]').click();
      await waitForPath(page, `/requests/${req.id}`);
      await page.locator('#approve-form button[type="submit"]').click();
      await page.waitForURL((u) => u.pathname.startsWith('/consents/'), { waitUntil: 'load' });
      const consentId = new URL(page.url()).pathname.split('/')[2]!;
      const oldUntil = new Date((await client.getConsent(consentId)).validUntil);

      // The address: the form, then the confirmation message and its link.
      await citizen.goto('/notifications/settings');
      await citizen.check();
      await page.locator('#address').fill('montse@example.test');
      await page.locator('#email-form button[type="submit"]').click();
      await waitForPath(page, '/notifications/settings');
      expect(await page.locator('#email-state').getAttribute('data-status')).toBe('unconfirmed');
      await citizen.check('notification-settings-ca');
      await sendMail();
      const confirmation = (await smtp.waitFor(1))[0]!;
      expect(confirmation.to).toEqual(['montse@example.test']);
      expect(confirmation.parsed.subject).toBe('Confirma la teva adreça a Permís');
      const confirmLink = linksIn(confirmation.parsed.text ?? '').find((l) => l.includes('/email/confirm/'))!;
      await page.goto(confirmLink, { waitUntil: 'load' });
      await citizen.check();
      await page.locator('#link-form button[type="submit"]').click();
      await page.locator('#link-result[data-result="ok"]').waitFor();
      await citizen.check();

      // 30 days before the end: the reminder, in Catalan, with one-click unsubscribe headers.
      server.t.clock.set(new Date(oldUntil.getTime() - 30 * DAY + 60_000));
      await scanReminders(server.t.deps);
      await sendMail();
      const reminder = (await smtp.waitFor(2))[1]!;
      expect(reminder.parsed.subject).toBe('El teu permís a Ajuts contra la pobresa energètica caduca d’aquí a 30 dies');
      expect(reminder.parsed.headers.get('content-language')).toBe('ca');
      expect(reminder.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
      const renewLink = linksIn(reminder.parsed.text ?? '').find((l) => l.endsWith(`/consents/${consentId}/renew`))!;
      expect(renewLink).toBe(`${server.url}/consents/${consentId}/renew`);

      // Her session ended weeks ago: the link asks her to sign in, then shows the inbox's news too.
      await page.goto(renewLink, { waitUntil: 'load' });
      await waitForPath(page, '/signin');
      await page.locator('#signin-form button[type="submit"]').click();
      await waitForPath(page, `/consents/${consentId}/renew`);
      expect(await page.locator('#unread-count').innerText()).toBe('2');
      expect(await page.locator('#renew-old-until').innerText()).not.toBe('');
      await citizen.check('renew-ca');
      await citizen.goto('/notifications');
      expect(await page.locator(`#inbox li[data-type="consent.expiring"] h2`).innerText()).toContain('caduca d’aquí a 30 dies');
      await citizen.check('inbox-ca');

      // Renew with the passkey: one ceremony over the renewed terms.
      await page.locator(`#inbox li[data-type="consent.expiring"] a[href="/consents/${consentId}/renew"]`).click();
      await waitForPath(page, `/consents/${consentId}/renew`);
      await page.locator('#renew-form button[type="submit"]').click();
      await page.waitForURL((u) => u.pathname === `/consents/${consentId}` && u.searchParams.get('notice') === 'renewed', { waitUntil: 'load' });
      expect(await page.locator('#consent-status').getAttribute('data-status')).toBe('active');
      await citizen.check();

      // The service hears it, and its check permits after the old end.
      const events: string[] = [];
      for await (const e of client.events()) events.push(e.type);
      expect(events).toContain('consent.renewed');
      server.t.clock.set(new Date(oldUntil.getTime() + 60_000));
      expect(await check()).toMatchObject({ decision: 'permit', consentId });
    } finally {
      await citizen.close();
    }
  });
});
