/**
 * The browser harness's own guards can fail: axe reports a real violation, the CSP guard
 * catches an inline script the portal's policy blocks, and the policy is the strict one.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAxe } from './support/axe.js';
import { launchBrowser, openJourney } from './support/browser.js';
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

describe('browser harness', () => {
  it('axe finds a violation planted in a portal page, and none in the page itself', async () => {
    const j = await openJourney(browser, server);
    try {
      await j.goto('/');
      expect(await runAxe(j.page)).toEqual([]);
      // A second <h1>-less region with an unlabeled input and an image without text.
      await j.page.evaluate(() => {
        const main = document.querySelector('main')!;
        main.insertAdjacentHTML('beforeend', '<input type="text" id="planted"><img src="/assets/none.png" id="planted-img">');
      });
      const found = (await runAxe(j.page)).join('\n');
      expect(found).toMatch(/- label \(critical\)/);
      expect(found).toMatch(/- image-alt \(critical\)/);
    } finally {
      await j.close();
    }
  });

  it('an inline script in a portal page is blocked by the CSP and reported as a problem', async () => {
    const j = await openJourney(browser, server);
    try {
      const res = await j.page.goto(server.url + '/signin');
      const csp = res!.headers()['content-security-policy'] ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      j.assertClean();
      await j.page.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__ran = true';
        document.body.append(s);
      });
      await expect.poll(() => j.problems.length).toBeGreaterThan(0);
      expect(j.problems.join('\n')).toMatch(/script-src/);
      expect(await j.page.evaluate(() => (window as unknown as { __ran?: boolean }).__ran)).toBeUndefined();
    } finally {
      await j.close();
    }
  });
});
