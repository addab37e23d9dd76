/**
 * The officer console's search, export and statistics pages through
 * `app.request()`: who may see them, in three languages; filters select what the API selects;
 * every query is itself in the log; exports stream the API's events as downloads. The
 * log-integrity panel: portal-officer-log.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrateLog } from '../src/log/integrate-log.js';
import { signUpOfficer } from './support/admin.js';
import { bearer, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { grantBody } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { insertEvents } from './support/log.js';
import { officerGet, parseCsv, storedEvents, walkEvents } from './support/officer.js';
import { getPage } from './support/portal.js';
import { instantToLocal, localToInstant } from '../src/portal/views/zoned-time.js';
import { send } from './support/requests.js';
import { createServiceWithKey, getServiceToken, serviceBearer, type TestService } from './support/service-client.js';

let t: TestContext;
let officer: SignedInCitizen;
let alice: SignedInCitizen;
let svcA: TestService;
let svcB: TestService;
let subjectRef: string;

/** The event ids listed by a search page, in order. */
const rowIds = (html: string): string[] => [...html.matchAll(/<tr data-event-id="([0-9a-f-]{36})"/g)].map((m) => m[1]!);

/** The wall-clock minute ten minutes before `local` (`YYYY-MM-DDTHH:MM`), as a datetime-local value. */
const localBefore = (local: string) => new Date(Date.parse(`${local}:00Z`) - 600_000).toISOString().slice(0, 16);

/** Every event id a portal search lists, following the "next page" links. */
async function walkPortal(path: string): Promise<string[]> {
  const ids: string[] = [];
  let next: string | undefined = path;
  for (let i = 0; next && i < 100; i++) {
    const { res, html } = await getPage(t, next, { token: officer.token });
    expect(res.status, html).toBe(200);
    ids.push(...rowIds(html));
    const m = /<a id="next-page" href="([^"]+)"/.exec(html);
    next = m ? m[1]!.replace(/&amp;/g, '&') : undefined;
  }
  return ids;
}

beforeAll(async () => {
  t = await createTestContext();
  officer = await signUpOfficer(t);
  alice = await signUpCitizen(t.app, t.config, { displayName: 'Alice' });
  svcA = await createServiceWithKey(t);
  svcB = await createServiceWithKey(t);
  const granted = await send(t, 'POST', '/v1/me/consents', bearer(alice.token), grantBody(svcA.id, t.clock.now()));
  expect(granted.status, JSON.stringify(granted.body)).toBe(201);
  subjectRef = granted.body.consent.subjectRef;
  const tokenA = await getServiceToken(t.app, svcA);
  const tokenB = await getServiceToken(t.app, svcB);
  const check = (token: string, extra: Record<string, unknown> = {}) =>
    send(t, 'POST', '/v1/check', serviceBearer(token), { subjectRef, purpose: 't-benefits', dataCategory: 't-address', ...extra });
  expect((await check(tokenA)).body).toMatchObject({ decision: 'permit' });
  expect((await check(tokenA, { purpose: 't-research' })).body).toMatchObject({ decision: 'deny' });
  expect((await check(tokenB)).body).toMatchObject({ decision: 'deny', reason: 'no_consent' });
  // Volume for paging: 60 checks of other services.
  await insertEvents(t.db, t.clock, 60);
  await integrateLog(t.deps);
  // Exports and statistics end at "now" (exclusive): let time pass the seeded events.
  t.clock.advance(1000);
});

afterAll(async () => {
  await t?.close();
});

describe(`officer console pages (${ENGINE})`, () => {
  it('sends a signed-out visitor to sign in and refuses a citizen (403)', async () => {
    for (const path of ['/officer', '/officer/stats', '/officer/log', '/officer/export?format=csv']) {
      const out = await getPage(t, path);
      expect(out.res.status, path).toBe(303);
      expect(out.res.headers.get('location')).toBe(`/signin?next=${encodeURIComponent(path)}`);
      const citizen = await getPage(t, path, { token: alice.token, lang: 'en' });
      expect(citizen.res.status, path).toBe(403);
      expect(citizen.html).toContain('You are not allowed to see this page.');
      expect(citizen.html).not.toContain('officer-events');
    }
  });

  it('renders the search, statistics and integrity pages in Catalan, Spanish and English', async () => {
    const titles = {
      ca: ['Registre d’accessos', 'Estadístiques del registre', 'Integritat del registre'],
      es: ['Registro de accesos', 'Estadísticas del registro', 'Integridad del registro'],
      en: ['Access log', 'Log statistics', 'Log integrity'],
    };
    for (const [lang, [events, stats, log]] of Object.entries(titles)) {
      for (const [path, title] of [
        ['/officer', events],
        ['/officer/stats', stats],
        ['/officer/log', log],
      ] as const) {
        const { res, html } = await getPage(t, path, { token: officer.token, lang });
        expect(res.status, `${lang} ${path}`).toBe(200);
        expect(html).toContain(`<html lang="${lang}">`);
        expect(html).toContain(`<h1>${title}</h1>`);
        expect(html.match(/<h1>/g)).toHaveLength(1);
      }
    }
    const search = (await getPage(t, '/officer', { token: officer.token })).html;
    for (const id of ['form id="officer-search"', 'id="export-csv"', 'id="export-ndjson"', 'id="denied-checks"', 'id="officer-events"']) expect(search).toContain(id);
  });

  it('selects exactly the events the API selects, and each search is itself in the log', async () => {
    const filters = { serviceId: svcA.id, decision: 'deny', type: 'consent.checked' };
    const page = await getPage(t, `/officer?${new URLSearchParams(filters)}`, { token: officer.token });
    expect(page.res.status).toBe(200);
    const api = await officerGet(t, officer.token, '/v1/officer/events', filters);
    const apiIds = (api.body.items as { id: string }[]).map((e) => e.id);
    expect(apiIds).toHaveLength(1);
    expect(rowIds(page.html)).toEqual(apiIds);
    expect(page.html).toContain('class="badge deny"');
    // By subjectRef: the grant and the three checks, newest first, as the API lists them.
    const bySubject = await getPage(t, `/officer?subjectRef=${encodeURIComponent(subjectRef)}&order=asc`, { token: officer.token });
    const apiSubject = await officerGet(t, officer.token, '/v1/officer/events', { subjectRef, order: 'asc' });
    expect(rowIds(bySubject.html)).toEqual((apiSubject.body.items as { id: string }[]).map((e) => e.id));
    expect(rowIds(bySubject.html).length).toBeGreaterThanOrEqual(4);

    const searches = (await storedEvents(t.db)).filter((e) => e.type === 'officer.searched' && e.actorId === officer.citizenId);
    const mine = searches.find((e) => e.data.query?.filters?.serviceId === svcA.id && e.data.query?.filters?.decision === 'deny');
    expect(mine, 'the portal search is audited').toBeDefined();
    expect(mine!.actorType).toBe('officer');
    expect(mine!.data.query).toMatchObject({ filters: { serviceId: svcA.id, decision: 'deny', types: ['consent.checked'] }, order: 'desc', limit: 50, returned: 1 });
    // …and the officer finds their own search through the console.
    const own = await getPage(t, `/officer?type=${encodeURIComponent('officer.stats_viewed, officer.searched')}&actorId=${officer.citizenId}`, { token: officer.token });
    expect(own.res.status).toBe(200);
    expect(rowIds(own.html)).toContain(mine!.id);
  });

  it('pages through every event in both orders, as the API does', async () => {
    for (const order of ['desc', 'asc'] as const) {
      const portal = await walkPortal(`/officer?type=consent.checked&limit=25&order=${order}`);
      const api = await walkEvents(t, officer.token, { type: 'consent.checked', limit: '25', order });
      expect(portal).toEqual(api.items.map((e) => e.id));
      expect(portal.length).toBeGreaterThanOrEqual(63);
      expect(new Set(portal).size).toBe(portal.length);
    }
  });

  it('reads the time range in the page’s time zone, summer and winter', async () => {
    expect(localToInstant('2026-07-01T12:00', 'Europe/Madrid')).toBe('2026-07-01T10:00:00.000Z');
    expect(localToInstant('2026-01-15T12:00:30', 'Europe/Madrid')).toBe('2026-01-15T11:00:30.000Z');
    expect(localToInstant('2026-02-29T12:00', 'Europe/Madrid')).toBeUndefined();
    expect(instantToLocal('2026-07-01T10:00:00.000Z', 'Europe/Madrid')).toBe('2026-07-01T12:00');
    // A range that ends just before the seeded events selects none of them; one after selects them all.
    const at = instantToLocal(t.clock.now(), 'Europe/Madrid');
    const before = await getPage(t, `/officer?type=consent.checked&to=${encodeURIComponent(localBefore(at))}`, { token: officer.token });
    expect(rowIds(before.html)).toEqual([]);
    const after = await getPage(t, `/officer?type=consent.checked&from=${encodeURIComponent(localBefore(at))}`, { token: officer.token });
    expect(rowIds(after.html).length).toBeGreaterThanOrEqual(50);
  });

  it('shows invalid filters next to their fields, in the page’s language, and searches nothing', async () => {
    const before = (await storedEvents(t.db)).length;
    const { res, html } = await getPage(t, '/officer?consentId=not-an-id&from=2026-02-30T10:00', { token: officer.token, lang: 'es' });
    expect(res.status).toBe(400);
    expect(html).toMatch(/id="f-consentId"[^>]*aria-invalid="true"[^>]*aria-describedby="f-consentId-error"/);
    expect(html).toContain('<p class="field-error" id="f-consentId-error">Escribe un identificador completo');
    expect(html).toMatch(/id="f-from"[^>]*aria-invalid="true"/);
    expect(html).toContain('Escribe una fecha y hora válidas.');
    expect((await storedEvents(t.db)).length).toBe(before);
    const cursor = await getPage(t, '/officer?cursor=bogus', { token: officer.token, lang: 'en' });
    expect(cursor.res.status).toBe(400);
    expect(cursor.html).toContain('This page link is no longer valid.');
  });

  it('exports the filtered events as CSV and NDJSON downloads with the API’s events, audited', async () => {
    const filters = { type: 'consent.checked', order: 'asc' };
    const apiCsv = await t.app.request(`/v1/officer/events/export?${new URLSearchParams({ ...filters, format: 'csv' })}`, { headers: bearer(officer.token) });
    const apiRows = parseCsv(await apiCsv.text());
    const csv = await getPage(t, `/officer/export?${new URLSearchParams({ ...filters, format: 'csv' })}`, { token: officer.token, headers: { 'sec-fetch-site': 'same-origin' } });
    expect(csv.res.status).toBe(200);
    expect(csv.res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(csv.res.headers.get('content-disposition')).toMatch(/^attachment; filename="permis-events-\d{8}T\d{6}Z\.csv"$/);
    expect(csv.res.headers.get('cache-control')).toBe('no-store');
    const rows = parseCsv(csv.html);
    expect(rows[0]).toEqual(apiRows[0]);
    expect(rows.slice(1).map((r) => r[0])).toEqual(apiRows.slice(1).map((r) => r[0]));
    expect(rows.length - 1).toBeGreaterThanOrEqual(63);

    const nd = await getPage(t, `/officer/export?${new URLSearchParams({ ...filters, format: 'ndjson' })}`, { token: officer.token });
    expect(nd.res.status).toBe(200);
    expect(nd.res.headers.get('content-type')).toBe('application/x-ndjson');
    expect(nd.res.headers.get('content-disposition')).toMatch(/\.ndjson"$/);
    const lines = nd.html.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; type: string });
    expect(lines.map((e) => e.id)).toEqual(rows.slice(1).map((r) => r[0]));

    const exports = (await storedEvents(t.db)).filter((e) => e.type === 'officer.exported' && e.actorId === officer.citizenId);
    expect(exports.map((e) => e.data.query.format)).toEqual(expect.arrayContaining(['csv', 'ndjson']));
    expect(exports.find((e) => e.data.query.format === 'ndjson')!.data.query.filters).toMatchObject({ types: ['consent.checked'] });
  });

  it('refuses an export another site starts, and an export without a format', async () => {
    const before = (await storedEvents(t.db)).filter((e) => e.type === 'officer.exported').length;
    const cross = await getPage(t, '/officer/export?format=csv', { token: officer.token, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(cross.res.status).toBe(403);
    expect(cross.res.headers.get('content-disposition')).toBeNull();
    const bad = await getPage(t, '/officer/export?format=xml', { token: officer.token });
    expect(bad.res.status).toBe(400);
    expect((await storedEvents(t.db)).filter((e) => e.type === 'officer.exported').length).toBe(before);
  });

  it('charts volume per service, purpose and day with the API’s numbers, as SVG and tables, audited', async () => {
    const { res, html } = await getPage(t, '/officer/stats?type=consent.checked', { token: officer.token, lang: 'en' });
    expect(res.status).toBe(200);
    const api = await officerGet(t, officer.token, '/v1/officer/stats', { type: 'consent.checked' });
    expect(html).toContain(`<dd id="stats-total">${api.body.total}</dd>`);
    expect(html).toContain(`<dd id="denied-total">${api.body.denied.total}</dd>`);
    expect(api.body.denied.total).toBeGreaterThanOrEqual(2);
    for (const id of ['chart-services', 'chart-purposes', 'chart-days', 'chart-denied-reasons']) {
      const chart = html.slice(html.indexOf(`id="${id}"`));
      expect(chart).toMatch(/^id="[a-z-]+"><svg [^>]*role="img" aria-label="[^"]+"[^>]*><title>/);
      expect(chart.slice(0, chart.indexOf('</table>'))).toContain('<th scope="row">');
    }
    // svcA's row in the per-service table shows its count.
    const svcCount = (api.body.byService as { clientId: string; count: number }[]).find((s) => s.clientId === svcA.clientId)!.count;
    expect(html).toContain(`<th scope="row">${svcA.clientId}</th><td>${svcCount}</td>`);
    expect(html).toContain(`<th scope="row">no_consent</th>`);
    const viewed = (await storedEvents(t.db)).filter((e) => e.type === 'officer.stats_viewed' && e.actorId === officer.citizenId);
    expect(viewed.some((e) => (e.data.query.filters.types as string[] | undefined)?.[0] === 'consent.checked')).toBe(true);
    const bad = await getPage(t, '/officer/stats?from=2020-01-01T00:00&to=2026-01-01T00:00', { token: officer.token, lang: 'ca' });
    expect(bad.res.status).toBe(400);
    expect(bad.html).toContain('com a màxim 366 dies');
  });
});
