/**
 * The admin pages in the browser, axe on each: an admin (made with the CLI's
 * invitation, signed in with their passkey) registers a service through the form — first
 * empty, to see the errors tied to their fields — whose key then gets tokens through the SDK;
 * suspends it (a confirmation), after which the token endpoint refuses it; looks through the
 * catalogue; and invites an officer, who redeems the link in their own browser.
 */
import { createServiceClient } from '@permis/sdk';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAdmin } from '../support/admin.js';
import { generateServiceKey, TOKEN_PATH } from '../support/service-client.js';
import { launchBrowser, openJourney, waitForPath } from './support/browser.js';
import { signInWithApiPasskey, signUpInBrowser } from './support/people.js';
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

describe('journey: administration', () => {
  it('registers, suspends and looks up services, browses the catalogue, and invites an officer', async () => {
    const adminWho = await signUpAdmin(server.t, { displayName: 'Admin Anna' });
    const admin = await openJourney(browser, server, { locale: 'en-GB' });
    const officer = await openJourney(browser, server, { locale: 'ca-ES' });
    const { page } = admin;
    try {
      await signInWithApiPasskey(admin, adminWho);
      await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Administration' }).click();
      await waitForPath(page, '/admin');
      await admin.check();

      // A new service: the empty form first, then a complete one with a real key.
      await admin.goto('/admin/services');
      await admin.check();
      await page.locator('#new-service').click();
      await waitForPath(page, '/admin/services/new');
      await admin.check();
      await page.getByRole('button', { name: 'Register the service' }).click();
      await page.locator('.error-summary').waitFor();
      const clientIdInput = page.getByLabel('Service identifier (client_id)');
      expect(await clientIdInput.getAttribute('aria-invalid')).toBe('true');
      await admin.check();

      const key = await generateServiceKey('EdDSA');
      const clientId = `library-${Date.now()}`;
      await clientIdInput.fill(clientId);
      const form = page.locator('#service-form');
      for (const [l, name] of [
        ['ca', 'Biblioteques de Barcelona'],
        ['es', 'Bibliotecas de Barcelona'],
        ['en', 'Barcelona Libraries'],
      ] as const) {
        await form.locator(`#f-name-${l}`).fill(name);
        await form.locator(`#f-description-${l}`).fill(`${name}: préstec a domicili`);
      }
      await page.getByLabel('Name of the responsible body').fill('Consorci de Biblioteques');
      await page.getByLabel('Data protection officer contact').fill('dpd@example.cat');
      await page.getByLabel('Link to the privacy policy').fill('https://example.cat/privacitat');
      for (const group of ['purposes', 'categories', 'processing']) await form.locator(`#f-${group} input[type="checkbox"]`).first().check();
      await page.getByLabel('Public keys (JWK Set in JSON)').fill(JSON.stringify({ keys: [key.publicJwk] }));
      await page.getByRole('button', { name: 'Register the service' }).click();
      await page.waitForURL((u) => /^\/admin\/services\/[0-9a-f-]{36}$/.test(u.pathname), { waitUntil: 'load' });
      await admin.check('admin-service-en');
      const serviceId = new URL(page.url()).pathname.split('/')[3]!;
      const stored = await server.t.db.query<{ client_id: string; status: string }>('select client_id, status from services where id = $1', [serviceId]);
      expect(stored[0]).toMatchObject({ client_id: clientId, status: 'active' });

      // The service's own key gets tokens (SDK over HTTP) …
      const client = () =>
        createServiceClient({
          baseUrl: server.directUrl,
          audience: `${server.url}${TOKEN_PATH}`,
          clientId,
          privateKey: key.privateKey,
          keyId: key.kid,
          alg: key.alg,
          retry: false,
        });
      expect(await client().accessToken()).toMatch(/\S{20,}/);

      // … until an admin suspends it, after a confirmation page.
      await page.locator('#suspend-service').click();
      await waitForPath(page, `/admin/services/${serviceId}/suspend`);
      await admin.check();
      await page.locator('#suspend-form textarea[name="reason"]').fill('Key reported lost');
      await page.locator('#suspend-form button[type="submit"]').click();
      await waitForPath(page, `/admin/services/${serviceId}`);
      expect((await server.t.db.query<{ status: string }>('select status from services where id = $1', [serviceId]))[0]!.status).toBe('suspended');
      await expect(client().accessToken()).rejects.toThrow();
      await admin.check();

      // The catalogue.
      await admin.goto('/admin/catalogue');
      await admin.check();
      await admin.goto('/admin/catalogue/new');
      await admin.check();

      // Invite an officer; they redeem the link in their own browser.
      await admin.goto('/admin/roles');
      await admin.check();
      await page.locator('#invitation-form select[name="role"]').selectOption('officer');
      await page.locator('#invitation-form button[type="submit"]').click();
      await page.locator('#invitation-created').waitFor();
      const link = await page.locator('#enrol-link').getAttribute('href');
      expect(link).toMatch(new RegExp(`^${server.url}/enrol#code=`));
      await admin.check();

      await signUpInBrowser(officer, 'Oriol');
      await officer.page.goto(link!);
      await officer.page.locator('#enrol-form button[type="submit"]').click();
      await waitForPath(officer.page, '/');
      await officer.page.getByRole('navigation', { name: 'Navegació principal' }).getByRole('link', { name: 'Consola de privacitat' }).waitFor();
      await officer.check();

      await admin.goto('/admin/roles');
      expect(await page.locator('#role-holders tr[data-role="officer"]').count()).toBe(1);
      expect(await page.locator('#role-holders').innerText()).toContain('Oriol');
      await admin.check();
    } finally {
      await admin.close();
      await officer.close();
    }
  });
});
