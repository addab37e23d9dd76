/**
 * The API reference at /docs works with no network beyond this server: every request to
 * another host is aborted (as on a city network with no way out), and the page still renders
 * the operations, without a CSP violation or a page error.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('/docs offline', () => {
  it('renders the operations with every non-local request blocked', async () => {
    const j = await openJourney(browser, server, { locale: 'en-GB' });
    const blocked: string[] = [];
    const served: string[] = [];
    try {
      await j.context.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') {
          served.push(url.pathname);
          return route.continue();
        }
        blocked.push(url.href);
        return route.abort('internetdisconnected');
      });
      await j.goto('/docs');
      // Swagger UI renders one block per operation once it has read /openapi.json.
      await j.page.locator('.opblock').first().waitFor({ timeout: 30_000 });
      const paths = await j.page.locator('.opblock-summary-path').allInnerTexts();
      expect(paths.length).toBeGreaterThan(50);
      for (const p of ['/v1/check', '/v1/oauth/token', '/.well-known/oauth-authorization-server']) expect(paths.map((s) => s.replace(/\u200b/g, ''))).toContain(p);
      expect(await j.page.title()).toBe('Permís API reference');
      expect(served).toContain('/openapi.json');
      expect(served.some((p) => /^\/docs\/assets\/swagger-ui-bundle\.[0-9a-f]{10}\.js$/.test(p))).toBe(true);
      // Opening an operation shows its description and schemas, still with nothing from outside.
      await j.page.locator('.opblock-summary-path', { hasText: '/v1/check' }).first().click();
      await j.page.locator('.opblock-body').first().waitFor();
      expect(blocked, 'requests to other hosts').toEqual([]);
      j.assertClean();
    } finally {
      await j.close();
    }
  });
});
