/**
 * Journey (c): languages. The switch changes the landing page and a signed-in page between
 * Catalan, Spanish and English; the choice is remembered on the next page; a fresh browser
 * asking for Spanish (Accept-Language) gets Spanish; one asking for French gets Catalan.
 */
import type { Browser, Page } from 'playwright-core';
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

const h1 = (page: Page) => page.getByRole('heading', { level: 1 }).innerText();
const lang = (page: Page) => page.evaluate(() => document.documentElement.lang);
/** Clicks `name` in the language switch (a navigation landmark named "Idioma"/"Language"). */
async function switchTo(page: Page, name: 'Català' | 'Español' | 'English') {
  const path = new URL(page.url()).pathname;
  // `?lang=` is remembered in a cookie and dropped from the address with a 303: the page
  // committed next is the same path again, without it.
  const arrived = page.waitForEvent('framenavigated', (f) => f === page.mainFrame() && new URL(f.url()).pathname === path && !new URL(f.url()).searchParams.has('lang'));
  await page.getByRole('navigation', { name: /^(Idioma|Language)$/ }).getByRole('link', { name }).click();
  await arrived;
  await page.waitForLoadState('load');
}

describe('journey: languages', () => {
  it('switches the landing page and a signed-in page between ca, es and en, and remembers the choice', async () => {
    const j = await openJourney(browser, server, { locale: 'ca-ES' });
    const { page } = j;
    try {
      await j.goto('/');
      expect(await lang(page)).toBe('ca');
      expect(await h1(page)).toBe('Les teves dades, les teves decisions');

      await switchTo(page, 'Español');
      expect(await lang(page)).toBe('es');
      expect(await h1(page)).toBe('Tus datos, tus decisiones');
      await j.check();
      const current = page.getByRole('navigation', { name: 'Idioma' }).getByRole('link', { name: 'Español' });
      expect(await current.getAttribute('aria-current')).toBe('true');

      // Remembered on the next page.
      await page.getByRole('main').getByRole('link', { name: 'Crea una cuenta' }).click();
      await waitForPath(page, '/signup');
      expect(await h1(page)).toBe('Crea tu cuenta');

      await switchTo(page, 'English');
      expect(await h1(page)).toBe('Create your account');
      await j.check('signup-en');
      await page.getByLabel('What should we call you?').fill('Alex');
      await page.getByRole('button', { name: 'Create the account with a passkey' }).click();
      await waitForPath(page, '/');

      // A signed-in page, in English, then Catalan, then Spanish.
      const nav = page.getByRole('navigation', { name: /^(Main navigation|Navegació principal|Navegación principal)$/ });
      await nav.getByRole('button', { name: 'Sign out' }).waitFor();
      expect(await lang(page)).toBe('en');
      await nav.getByRole('link', { name: 'Who used my data' }).waitFor();
      await j.check();
      await switchTo(page, 'Català');
      expect(await lang(page)).toBe('ca');
      await nav.getByRole('button', { name: 'Tanca la sessió' }).waitFor();
      await nav.getByRole('link', { name: 'Qui ha fet servir les meves dades' }).waitFor();
      await j.check();
      await switchTo(page, 'Español');
      await nav.getByRole('link', { name: 'Quién ha usado mis datos' }).waitFor();
      // Remembered on the next (signed-in) page.
      await nav.getByRole('link', { name: 'Mi cuenta' }).click();
      await waitForPath(page, '/account');
      expect(await lang(page)).toBe('es');
      await nav.getByRole('button', { name: 'Cierra la sesión' }).waitFor();
      j.assertClean();
    } finally {
      await j.close();
    }
  });

  it('a fresh browser asking for Spanish gets Spanish; English gets English; French falls back to Catalan', async () => {
    for (const [locale, want, title] of [
      ['es-ES', 'es', 'Tus datos, tus decisiones'],
      ['en-US', 'en', 'Your data, your decisions'],
      ['fr-FR', 'ca', 'Les teves dades, les teves decisions'],
    ] as const) {
      const j = await openJourney(browser, server, { locale });
      try {
        const res = await j.page.goto(server.url + '/');
        expect(res!.headers()['content-language']).toBe(want);
        expect(await lang(j.page)).toBe(want);
        expect(await h1(j.page)).toBe(title);
        await j.check();
      } finally {
        await j.close();
      }
    }
  });
});
