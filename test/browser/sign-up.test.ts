/**
 * Journey (a): a citizen signs up with a passkey from Chromium's virtual authenticator, lands
 * at home signed in, signs out, and signs in again with the same passkey (a discoverable
 * credential: no name typed).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openJourney, waitForPath } from './support/browser.js';
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

describe('journey: sign up, sign out, sign in', () => {
  it('creates an account with a passkey and signs in again with it', async () => {
    const j = await openJourney(browser, server, { locale: 'ca-ES' });
    const { page } = j;
    try {
      await j.goto('/');
      await j.check('landing-ca');
      await page.getByRole('main').getByRole('link', { name: 'Crea un compte' }).click();
      await waitForPath(page, '/signup');
      await j.check();

      await page.getByLabel('Com vols que et diguem?').fill('Laia');
      await page.getByRole('button', { name: 'Crea el compte amb una clau d’accés' }).click();
      await waitForPath(page, '/');
      const signOut = page.getByRole('button', { name: 'Tanca la sessió' });
      await signOut.waitFor();
      await j.check();

      // The passkey is a resident credential in the virtual authenticator.
      const { credentials } = await j.cdp.send('WebAuthn.getCredentials', { authenticatorId: j.authenticatorId });
      expect(credentials).toHaveLength(1);
      expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
      expect(credentials[0]!.signCount).toBeGreaterThanOrEqual(0);

      const cookies = await j.context.cookies();
      const session = cookies.find((c) => c.name === '__Host-permis_session');
      expect(session).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });

      await signOut.click();
      await waitForPath(page, '/signin');
      await page.getByText('Has tancat la sessió.').waitFor();
      expect((await j.context.cookies()).some((c) => c.name === '__Host-permis_session')).toBe(false);
      await j.check();

      await page.getByRole('button', { name: 'Inicia la sessió amb la clau d’accés' }).click();
      await waitForPath(page, '/');
      await page.getByRole('button', { name: 'Tanca la sessió' }).waitFor();
      const after = await j.cdp.send('WebAuthn.getCredentials', { authenticatorId: j.authenticatorId });
      expect(after.credentials[0]!.signCount).toBeGreaterThan(credentials[0]!.signCount);
      // One citizen in the database, with two sessions (the first revoked by signing out).
      const rows = await server.t.db.query<{ n: number }>('select count(*)::int as n from citizens');
      expect(rows[0]!.n).toBe(1);
      await j.check();
    } finally {
      await j.close();
    }
  });
});
