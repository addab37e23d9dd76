/**
 * Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core (no
 * browser is ever downloaded), a fresh context per journey with a DevTools WebAuthn virtual
 * authenticator, and guards that fail a test on any Content-Security-Policy violation or
 * uncaught page error.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { runAxe } from './axe.js';
import type { PortalServer } from './server.js';

/** Where Debian's Chromium lives (`.ci/run` installs the `chromium` package). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches headless Chromium; the flags keep it off the (closed) network and quiet. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** One person's browser: a fresh context and page with a virtual authenticator. */
export interface Journey {
  server: PortalServer;
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  /** The virtual authenticator's id (WebAuthn domain of the DevTools protocol). */
  authenticatorId: string;
  /** CSP violations and uncaught errors seen so far; `assertClean` fails on any. */
  problems: string[];
  /** Opens `path` on the test server and waits for the load. */
  goto(path: string): Promise<void>;
  /** Runs axe on the current page (zero violations expected), checks for problems, takes the screenshot `shot` if asked. */
  check(shot?: string): Promise<void>;
  /** Fails on any CSP violation or uncaught page error seen so far. */
  assertClean(): void;
  close(): Promise<void>;
}

/** Options of a journey's browser context. */
export interface JourneyOptions {
  /** The browser's language (Accept-Language and navigator.language); default `ca-ES`. */
  locale?: string;
}

const SCREENSHOT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../docs/screenshots');

/** Pages checked by axe in this test run, for the summary (path → violations). */
export const axeLog: { path: string; title: string; violations: number }[] = [];

/**
 * Opens a fresh context on `server` with a CTAP2 internal (platform-like) virtual
 * authenticator holding resident keys and verifying the user automatically.
 */
export async function openJourney(browser: Browser, server: PortalServer, opts: JourneyOptions = {}): Promise<Journey> {
  const context = await browser.newContext({ locale: opts.locale ?? 'ca-ES', viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  context.setDefaultTimeout(15_000);
  const problems: string[] = [];
  // Reports CSP violations from inside the page (init scripts and bindings go through the
  // DevTools protocol, so the page's CSP is not weakened to let them in).
  await context.exposeBinding('__permisReport', (_source, text: string) => {
    problems.push(text);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __permisReport: (s: string) => void }).__permisReport;
      void report(`CSP violation on ${e.documentURI}: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (/content security policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: AUTHENTICATOR });
  const j: Journey = {
    server,
    context,
    page,
    cdp,
    authenticatorId,
    problems,
    async goto(path) {
      await page.goto(new URL(path, server.url).toString(), { waitUntil: 'load' });
    },
    async check(shot) {
      await page.waitForLoadState('load');
      const violations = await runAxe(page);
      const path = new URL(page.url()).pathname;
      axeLog.push({ path, title: await page.title(), violations: violations.length });
      expect(violations, `axe on ${page.url()}:\n${violations.join('\n')}`).toEqual([]);
      j.assertClean();
      if (shot && process.env.SCREENSHOTS === '1') {
        mkdirSync(SCREENSHOT_DIR, { recursive: true });
        await page.screenshot({ path: resolve(SCREENSHOT_DIR, `${shot}.png`), fullPage: true });
      }
    },
    assertClean() {
      expect(problems, 'CSP violations or page errors').toEqual([]);
    },
    close: () => context.close(),
  };
  return j;
}

/** The virtual authenticator: a platform one (CTAP2, internal) with resident keys that verifies the user. */
const AUTHENTICATOR = { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true } as const;

/** Replaces the journey's authenticator with a new, empty one (the person picks up another device). */
export async function switchDevice(j: Journey): Promise<void> {
  await j.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: j.authenticatorId });
  j.authenticatorId = (await j.cdp.send('WebAuthn.addVirtualAuthenticator', { options: AUTHENTICATOR })).authenticatorId;
}

/** Waits for the page at a path matching `path` (string prefix or RegExp on the pathname + search). */
export async function waitForPath(page: Page, path: string | RegExp, timeout = 15_000): Promise<void> {
  await page.waitForURL((u) => (typeof path === 'string' ? u.pathname === path : path.test(`${u.pathname}${u.search}`)), { timeout, waitUntil: 'load' });
}

/** The HTTP status of the current document's last navigation (through the Navigation Timing API). */
export async function responseStatus(page: Page): Promise<number> {
  return page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.responseStatus ?? 0);
}
