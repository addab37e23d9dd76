/**
 * Journey (d), the passkey part: errors a person can cause during a ceremony give a clear
 * message in their language and a way forward. A cancelled prompt (the authenticator refuses
 * to verify the user: NotAllowedError) and a lost connection each show the translated message
 * in the form's alert, and trying again then works.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Journey, launchBrowser, openJourney, waitForPath } from './support/browser.js';
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

const citizens = async () => (await server.t.db.query<{ n: number }>('select count(*)::int as n from citizens'))[0]!.n;
const userVerified = (j: Journey, isUserVerified: boolean) => j.cdp.send('WebAuthn.setUserVerified', { authenticatorId: j.authenticatorId, isUserVerified });
/** The passkey form's status box (an alert after an error). */
const statusBox = (j: Journey) => j.page.locator('[data-passkey-status]');

describe('journey: errors during a passkey ceremony', () => {
  it('a cancelled prompt at sign-up says so in Spanish, and trying again creates the account', async () => {
    const j = await openJourney(browser, server, { locale: 'es-ES' });
    try {
      const before = await citizens();
      await j.goto('/signup');
      await j.page.getByLabel('¿Cómo quieres que te llamemos?').fill('Marta');
      await userVerified(j, false);
      await j.page.getByRole('button', { name: 'Crea la cuenta con una llave de acceso' }).click();
      const alert = j.page.getByRole('alert');
      await alert.filter({ hasText: 'Has cancelado la llave de acceso o se ha agotado el tiempo.' }).waitFor();
      expect(await statusBox(j).evaluate((e) => e === document.activeElement)).toBe(true);
      expect(new URL(j.page.url()).pathname).toBe('/signup');
      expect(await citizens()).toBe(before);
      await j.check('signup-cancelled-es');

      await userVerified(j, true);
      await j.page.getByRole('button', { name: 'Crea la cuenta con una llave de acceso' }).click();
      await waitForPath(j.page, '/');
      await j.page.getByRole('button', { name: 'Cierra la sesión' }).waitFor();
      expect(await citizens()).toBe(before + 1);
      j.assertClean();
    } finally {
      await j.close();
    }
  });

  it('a cancelled prompt at sign-in says so in English, and trying again signs in', async () => {
    const j = await openJourney(browser, server, { locale: 'en-GB' });
    try {
      await j.goto('/signup');
      await j.page.getByLabel('What should we call you?').fill('Sam');
      await j.page.getByRole('button', { name: 'Create the account with a passkey' }).click();
      await waitForPath(j.page, '/');
      await j.page.getByRole('button', { name: 'Sign out' }).click();
      await waitForPath(j.page, '/signin');

      await userVerified(j, false);
      await j.page.getByRole('button', { name: 'Sign in with your passkey' }).click();
      await j.page.getByRole('alert').filter({ hasText: 'The passkey prompt was cancelled or timed out. You can try again whenever you like.' }).waitFor();
      expect((await j.context.cookies()).some((c) => c.name === '__Host-permis_session')).toBe(false);
      await j.check();

      await userVerified(j, true);
      await j.page.getByRole('button', { name: 'Sign in with your passkey' }).click();
      await waitForPath(j.page, '/');
      await j.page.getByRole('button', { name: 'Sign out' }).waitFor();
      j.assertClean();
    } finally {
      await j.close();
    }
  });

  it('a passkey the server does not know gives the translated message, not a raw error', async () => {
    const j = await openJourney(browser, server, { locale: 'ca-ES' });
    try {
      // A resident credential for this rpId that no Permís account holds.
      await j.goto('/signin');
      await j.cdp.send('WebAuthn.addCredential', {
        authenticatorId: j.authenticatorId,
        credential: {
          credentialId: Buffer.from('not-a-permis-passkey').toString('base64'),
          isResidentCredential: true,
          rpId: 'localhost',
          privateKey: await newPkcs8(),
          userHandle: Buffer.from('stranger').toString('base64'),
          signCount: 0,
        },
      });
      await j.page.getByRole('button', { name: 'Inicia la sessió amb la clau d’accés' }).click();
      await j.page
        .getByRole('alert')
        .filter({ hasText: 'Aquesta clau d’accés no és de cap compte de Permís. Crea un compte o fes servir una altra clau.' })
        .waitFor();
      await j.check();
    } finally {
      await j.close();
    }
  });

  it('a lost connection during the ceremony gives the translated network message, and it works once back online', async () => {
    const j = await openJourney(browser, server, { locale: 'ca-ES' });
    try {
      await j.goto('/signup');
      await j.page.getByLabel('Com vols que et diguem?').fill('Jordi');
      // The API calls of the ceremony fail as they would with no network.
      await j.page.route('**/v1/**', (r) => r.abort('internetdisconnected'));
      await j.page.getByRole('button', { name: 'Crea el compte amb una clau d’accés' }).click();
      await j.page.getByRole('alert').filter({ hasText: 'No hem pogut connectar amb Permís. Comprova la connexió i torna-ho a provar.' }).waitFor();
      await j.check();

      // Offline for the whole browser: the same message.
      await j.page.unroute('**/v1/**');
      await j.context.setOffline(true);
      await statusBox(j).evaluate((e) => (e.textContent = ''));
      await j.page.getByRole('button', { name: 'Crea el compte amb una clau d’accés' }).click();
      await j.page.getByRole('alert').filter({ hasText: 'No hem pogut connectar amb Permís.' }).waitFor();

      await j.context.setOffline(false);
      await j.page.getByRole('button', { name: 'Crea el compte amb una clau d’accés' }).click();
      await waitForPath(j.page, '/');
      await j.page.getByRole('button', { name: 'Tanca la sessió' }).waitFor();
      j.assertClean();
    } finally {
      await j.close();
    }
  });
});

/** A fresh P-256 private key, PKCS#8, base64 (what WebAuthn.addCredential takes). */
async function newPkcs8(): Promise<string> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  return Buffer.from(await crypto.subtle.exportKey('pkcs8', pair.privateKey)).toString('base64');
}
