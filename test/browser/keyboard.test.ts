/**
 * Full keyboard use (WCAG 2.2 SC 2.1.1, 2.4.1, 2.4.7): the skip link is the first stop and
 * moves focus to the content; a person signs up, approves a request and withdraws it with Tab,
 * Enter and Space only; every stop on the way shows a visible focus indicator.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBody } from '../support/requests.js';
import { launchBrowser, openJourney, waitForPath } from './support/browser.js';
import { serviceWithSdk } from './support/people.js';
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

/** The focused element: a short description, and whether it shows a focus indicator. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    if (!e || e === document.body) return { desc: 'body', visible: false };
    const s = getComputedStyle(e);
    const visible = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
    return { desc: `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''} ${(e.textContent ?? '').trim().slice(0, 40)}`, visible };
  });

/** Presses Tab until `selector` has focus (at most `max` times), checking each stop's focus indicator. */
async function tabTo(page: Page, selector: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    expect(f.visible, `no visible focus on ${f.desc}`).toBe(true);
    if (await page.locator(selector).evaluate((e) => e === document.activeElement)) return;
  }
  throw new Error(`${selector} not reached with Tab`);
}

describe('journey: keyboard only', () => {
  it('skips to the content, signs up, approves and withdraws with the keyboard', async () => {
    const { client } = await serviceWithSdk(server);
    const subjectRef = `keys-${Date.now()}`;
    const j = await openJourney(browser, server, { locale: 'ca-ES' });
    const { page } = j;
    try {
      await j.goto('/signup');
      // The first Tab stop is the skip link; Enter moves focus to the main content.
      await page.keyboard.press('Tab');
      expect((await focused(page)).desc).toContain('Vés al contingut');
      expect((await focused(page)).visible).toBe(true);
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

      await tabTo(page, '#displayName');
      await page.keyboard.type('Quim');
      await page.keyboard.press('Enter');
      await waitForPath(page, '/');

      const req = await client.requestConsent(requestBody(subjectRef) as Parameters<typeof client.requestConsent>[0]);
      await page.goto(req.approvalUrl);
      await tabTo(page, '#approve-form button[type="submit"]', 80);
      await page.keyboard.press('Enter');
      await page.waitForURL((u) => u.pathname.startsWith('/consents/'), { waitUntil: 'load' });
      const consentId = new URL(page.url()).pathname.split('/')[2]!;
      expect((await client.check({ subjectRef, purpose: 't-benefits', dataCategory: 't-address' })).decision).toBe('permit');

      await tabTo(page, '#withdraw-link', 60);
      await page.keyboard.press('Enter');
      await waitForPath(page, `/consents/${consentId}/withdraw`);
      await tabTo(page, `form[action="/consents/${consentId}/withdraw"] button[type="submit"]`, 60);
      await page.keyboard.press('Space');
      await waitForPath(page, `/consents/${consentId}`);
      expect(await page.locator('#consent-status').getAttribute('data-status')).toBe('withdrawn');
      expect((await client.check({ subjectRef, purpose: 't-benefits', dataCategory: 't-address' })).decision).toBe('deny');
      j.assertClean();
    } finally {
      await j.close();
    }
  });
});
