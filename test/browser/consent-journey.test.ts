/**
 * Journey (b), the main story: a service asks for consent through the SDK; the citizen
 * opens the approvalUrl and approves with the passkey; the service's check permits; the
 * citizen withdraws in the browser (with a confirmation); the check denies; after the log
 * integrator runs, the citizen sees both checks in "who used my data"; an officer (another
 * browser) finds them in the console, verifies an inclusion proof in the integrity panel and
 * exports them (the CSV download holds both).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteFromCli } from '../support/admin.js';
import { parseCsv } from '../support/officer.js';
import { launchBrowser, openJourney, waitForPath } from './support/browser.js';
import { ENERGY_SERVICE, serviceWithSdk, signUpInBrowser } from './support/people.js';
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

const NOTICE = {
  ca: 'Autoritzo l’Ajuntament a consultar la meva adreça, el meu tram d’ingressos i el consum d’energia de casa per decidir si em correspon l’ajut.',
  es: 'Autorizo al Ayuntamiento a consultar mi dirección, mi tramo de ingresos y el consumo de energía de casa para decidir si me corresponde la ayuda.',
  en: 'I allow the City Council to look up my address, my income band and my home’s energy use to decide whether I qualify for the support.',
};

const consentStatus = async (id: string) => (await server.t.db.query<{ status: string }>('select status from consents where id = $1', [id]))[0]?.status;

describe('journey: request, approve, check, withdraw, see, audit', () => {
  it('goes from a service request to an officer’s export', async () => {
    const { svc, client } = await serviceWithSdk(server, ENERGY_SERVICE);
    const subjectRef = `citizen-${Date.now()}`;
    const check = () => client.check({ subjectRef, purpose: 'energy-poverty-support', dataCategory: 'postal-address' });

    const citizen = await openJourney(browser, server, { locale: 'es-ES' });
    const officer = await openJourney(browser, server, { locale: 'ca-ES' });
    try {
      // The service asks (SDK over HTTP) and sends the person to approvalUrl.
      const req = await client.requestConsent({
        subjectRef,
        purposes: ENERGY_SERVICE.purposes,
        dataCategories: ENERGY_SERVICE.categories,
        processing: ENERGY_SERVICE.processing,
        durationDays: 365,
        notice: { version: '2026-11', texts: NOTICE },
      });
      expect(req.approvalUrl).toBe(`${server.url}/requests/${req.id}`);
      expect((await check()).decision).toBe('deny');

      // The citizen opens the link before having an account: reads, then signs up and comes back.
      const { page } = citizen;
      await page.goto(req.approvalUrl);
      await page.locator('#request-service').waitFor();
      expect(await page.locator('#request-service').innerText()).toBe(ENERGY_SERVICE.name.es);
      expect(await page.locator('#request-notice').innerText()).toBe(NOTICE.es);
      await citizen.check();
      await page.locator('#request-signup-link').click();
      await waitForPath(page, '/signup');
      await page.locator('#displayName').fill('Marta');
      await page.locator('#signup-form button[type="submit"]').click();
      await waitForPath(page, `/requests/${req.id}`);
      await citizen.check('request-es');

      // Approve with the passkey: the terms-bound ceremony, then the consent page.
      await page.locator('#approve-form button[type="submit"]').click();
      await page.waitForURL((u) => u.pathname.startsWith('/consents/'), { waitUntil: 'load' });
      const consentId = new URL(page.url()).pathname.split('/')[2]!;
      expect(await page.locator('#consent-status').getAttribute('data-status')).toBe('active');
      expect(await consentStatus(consentId)).toBe('active');
      await citizen.check('consent-es');

      const permit = await check();
      expect(permit).toMatchObject({ decision: 'permit', consentId });
      // A first signed checkpoint (what the node job loop does every second).
      await server.integrate();

      // Withdraw: one action and a confirmation page.
      await page.locator(`a[href="/consents/${consentId}/withdraw"]`).click();
      await waitForPath(page, `/consents/${consentId}/withdraw`);
      expect(await consentStatus(consentId)).toBe('active');
      await citizen.check();
      await page.locator(`form[action="/consents/${consentId}/withdraw"] button[type="submit"]`).click();
      await waitForPath(page, `/consents/${consentId}`);
      expect(await page.locator('#consent-status').getAttribute('data-status')).toBe('withdrawn');
      expect(await consentStatus(consentId)).toBe('withdrawn');
      await citizen.check();

      const deny = await check();
      expect(deny).toMatchObject({ decision: 'deny', reason: 'withdrawn' });

      // Both uses are listed at once; the newest waits for its place in the log …
      await citizen.goto('/access-log');
      const checks = page.locator('#access-log-table tbody tr[data-type="consent.checked"]');
      await checks.first().waitFor();
      expect(await checks.count()).toBe(2);
      expect(await checks.first().locator('details').count()).toBe(0);
      expect(await checks.nth(1).locator('details').count()).toBe(1);
      await citizen.check();
      // … until the log integrator gives it a leaf index and signs a new checkpoint.
      await server.integrate();
      await page.reload({ waitUntil: 'load' });
      expect(await checks.count()).toBe(2);
      expect(await checks.locator('td').nth(0).innerText()).toBe(ENERGY_SERVICE.name.es);
      // Newest first: the denial (withdrawn), then the permit; each already has its leaf in the log.
      expect(await checks.locator('.badge').allInnerTexts()).toEqual([await page.locator('#decision option[value="deny"]').innerText(), await page.locator('#decision option[value="permit"]').innerText()]);
      expect(await checks.locator('.badge.deny').count()).toBe(1);
      expect(await checks.locator('.badge.permit').count()).toBe(1);
      expect(await checks.locator('details summary').count()).toBe(2);
      const citizenSaw = await checks.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.eventId!));
      await citizen.check('access-log-es');

      // An officer finds them (search by subjectRef and event type), verifies inclusion and exports.
      // The officer signs up in their own browser and redeems an invitation code from the CLI
      // (`permis admin invite --role officer`) at /enrol#code=… (the script fills the field).
      const op = officer.page;
      await signUpInBrowser(officer, 'Núria (DPD)');
      const code = await inviteFromCli(server.t, 'officer');
      await officer.goto(`/enrol#code=${encodeURIComponent(code)}`);
      expect(await op.locator('#code').inputValue()).toBe(code);
      await officer.check();
      await op.locator('#enrol-form button[type="submit"]').click();
      await waitForPath(op, '/');
      await op.getByRole('navigation', { name: 'Navegació principal' }).getByRole('link', { name: 'Consola de privacitat' }).click();
      await waitForPath(op, '/officer');
      await officer.check();
      const search = op.locator('#officer-search');
      await search.getByLabel('Referència de la persona (subjectRef)').fill(subjectRef);
      await search.getByLabel('Tipus d’esdeveniment').fill('consent.checked');
      await search.getByRole('button', { name: 'Cerca' }).click();
      await op.waitForURL((u) => u.searchParams.get('subjectRef') === subjectRef, { waitUntil: 'load' });
      const found = op.locator('#officer-events tbody tr');
      await found.first().waitFor();
      // Three checks of this subjectRef: before the request (no consent), permitted, denied.
      expect(await found.count()).toBe(3);
      const eventIds = await found.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.eventId));
      const stored = await server.t.db.query<{ id: string }>(`select id::text as id from audit_events where type = 'consent.checked' and data->>'subjectRef' = $1`, [subjectRef]);
      expect(eventIds.sort()).toEqual(stored.map((r) => r.id).sort());
      await officer.check('officer-console-ca');

      // The integrity panel: the chosen event's inclusion in the latest signed checkpoint.
      await found.first().getByRole('link', { name: /^Comprova la fulla \d+$/ }).click();
      await op.waitForURL((u) => u.pathname === '/officer/log' && u.searchParams.has('event'), { waitUntil: 'load' });
      expect(await op.locator('#checkpoint-verdict').getAttribute('data-verdict')).toBe('ok');
      expect(await op.locator('#inclusion-verdict').getAttribute('data-verdict')).toBe('ok');
      expect(eventIds).toContain(await op.locator('#inclusion-event-id').innerText());
      await officer.check('officer-integrity-ca');
      // Consistency between the first checkpoint and the latest, from the recent checkpoints table.
      const compare = op.locator('#recent-checkpoints a').first();
      await compare.click();
      await op.waitForURL((u) => u.searchParams.has('from') && u.searchParams.has('to'), { waitUntil: 'load' });
      expect(await op.locator('#consistency-verdict').getAttribute('data-verdict')).toBe('ok');
      await officer.check();
      await officer.goto('/officer/stats');
      await officer.check('officer-stats-ca');
      await officer.goto(`/officer?subjectRef=${encodeURIComponent(subjectRef)}&type=consent.checked`);

      // Export CSV: both checks in the download.
      const [download] = await Promise.all([op.waitForEvent('download'), op.locator('#export-csv').click()]);
      const stream = await download.createReadStream();
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      const records = parseCsv(Buffer.concat(chunks).toString('utf8'));
      const header = records[0]!;
      const col = (name: string) => header.indexOf(name);
      const exported = records.slice(1);
      expect(exported.map((r) => r[col('type')])).toEqual(['consent.checked', 'consent.checked', 'consent.checked']);
      expect(exported.map((r) => r[col('decision')]).sort()).toEqual(['deny', 'deny', 'permit']);
      expect(exported.map((r) => r[col('reason')]).sort()).toEqual(['', 'no_consent', 'withdrawn']);
      // The two checks the citizen saw are among them.
      expect(exported.map((r) => r[col('id')])).toEqual(expect.arrayContaining(citizenSaw));
      expect(exported.every((r) => r[col('subjectRef')] === subjectRef && r[col('serviceId')] === svc.id && r[col('leafIndex')] !== '')).toBe(true);
      expect(exported.map((r) => r[col('id')]).sort()).toEqual([...eventIds].sort());
      officer.assertClean();
    } finally {
      await citizen.close();
      await officer.close();
    }
  });
});
