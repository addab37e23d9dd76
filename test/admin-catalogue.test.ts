/** The catalogue through the admin API: add, change, and delete only what nothing uses. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAdmin } from './support/admin.js';
import { bearer, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { expectProblem } from './support/expect-problem.js';
import { createTestService, grantBody, seedTestCatalogue } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/harness.js';

let t: TestContext;
let admin: SignedInCitizen;

import type { Json } from './support/json.js';

const tri = (s: string) => ({ ca: `${s} (ca)`, es: `${s} (es)`, en: `${s} (en)` });

beforeAll(async () => {
  t = await createTestContext();
  await seedTestCatalogue(t.db);
  admin = await signUpAdmin(t);
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

const raw = (method: string, path: string, body?: unknown, who: SignedInCitizen = admin) =>
  Promise.resolve(t.app.request(path, { method, headers: bearer(who.token), body: body === undefined ? undefined : JSON.stringify(body) }));

async function call(method: string, path: string, body?: unknown, who: SignedInCitizen = admin) {
  const res = await raw(method, path, body, who);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as Json };
}

const catalogueAudit = (code: string) =>
  t.db.query<{ type: string; actor_type: string; actor_id: string; data: Json }>(
    `select type, actor_type, actor_id, data from audit_events where type like 'catalogue.%' and data->>'code' = $1 order by seq`,
    [code],
  );

describe(`the catalogue through the admin API on ${ENGINE}`, () => {
  it('adds a term, changes it one language at a time, and deletes it while unused, auditing each change', async () => {
    const created = await call('POST', '/v1/admin/catalogue', {
      kind: 'purpose',
      code: 'urban-gardens',
      dpv: 'dpv:ServiceProvision',
      label: tri('Urban gardens'),
      description: tri('Allocating plots in municipal urban gardens.'),
      maxValidityDays: 400,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.headers.get('location')).toBe('/v1/catalogue/purpose/urban-gardens');
    expect(created.body).toEqual({
      kind: 'purpose',
      code: 'urban-gardens',
      dpv: 'dpv:ServiceProvision',
      label: tri('Urban gardens'),
      description: tri('Allocating plots in municipal urban gardens.'),
      sensitive: false,
      maxValidityDays: 400,
    });
    expect((await call('GET', '/v1/catalogue/purpose/urban-gardens')).body).toEqual(created.body);

    const changed = await call('PATCH', '/v1/admin/catalogue/purpose/urban-gardens', { label: { en: 'Community gardens' }, maxValidityDays: null, dpv: null });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ label: { ca: 'Urban gardens (ca)', es: 'Urban gardens (es)', en: 'Community gardens' }, maxValidityDays: null, dpv: null });
    expect((await call('GET', '/v1/catalogue/purpose/urban-gardens?lang=en')).body.label).toEqual({ en: 'Community gardens' });
    // Same values again: nothing changes, nothing is audited.
    expect((await call('PATCH', '/v1/admin/catalogue/purpose/urban-gardens', { label: { en: 'Community gardens' } })).status).toBe(200);

    expect((await call('DELETE', '/v1/admin/catalogue/purpose/urban-gardens')).status).toBe(204);
    await expectProblem(await raw('GET', '/v1/catalogue/purpose/urban-gardens'), 404, 'not_found');
    await expectProblem(await raw('DELETE', '/v1/admin/catalogue/purpose/urban-gardens'), 404, 'not_found');

    const audit = await catalogueAudit('urban-gardens');
    expect(audit.map((a) => [a.type, a.actor_type, a.actor_id])).toEqual([
      ['catalogue.term_created', 'admin', admin.citizenId],
      ['catalogue.term_updated', 'admin', admin.citizenId],
      ['catalogue.term_deleted', 'admin', admin.citizenId],
    ]);
    expect(audit[1]!.data.changes).toEqual({
      dpv: { from: 'dpv:ServiceProvision', to: null },
      label: { from: tri('Urban gardens'), to: { ...tri('Urban gardens'), en: 'Community gardens' } },
      maxValidityDays: { from: 400, to: null },
    });
  });

  it('never deletes a term in use by a service or by a consent (409 term_in_use)', async () => {
    // Used by a service's registration.
    const serviceId = await createTestService(t.db);
    await expectProblem(await raw('DELETE', '/v1/admin/catalogue/category/t-health'), 409, 'term_in_use');
    const byService = await expectProblem(await raw('DELETE', '/v1/admin/catalogue/purpose/t-benefits'), 409, 'term_in_use');
    expect(byService.usage).toMatchObject({ services: 1, consents: 0 });

    // Used only by a consent: the service no longer lists it, a consent's terms still do.
    const citizen = await signUpCitizen(t.app, t.config);
    const granted = await call('POST', '/v1/me/consents', grantBody(serviceId, t.clock.now(), { processing: ['t-share'] }), citizen);
    expect(granted.status, JSON.stringify(granted.body)).toBe(201);
    const patched = await call('PATCH', `/v1/admin/services/${serviceId}`, { processing: ['t-use'] });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const byConsent = await expectProblem(await raw('DELETE', '/v1/admin/catalogue/processing/t-share'), 409, 'term_in_use');
    expect(byConsent.usage).toMatchObject({ services: 0, consents: 1 });
    expect((await call('GET', '/v1/catalogue/processing/t-share')).status).toBe(200);
    expect((await catalogueAudit('t-share')).length).toBe(0);
  });

  it('refuses bad terms and changes with 4xx problems naming the field', async () => {
    const base = { kind: 'category', code: 'allotment-plot', label: tri('Plot'), description: tri('The plot you tend.') };
    expect((await call('POST', '/v1/admin/catalogue', base)).status).toBe(201);
    const dup = await expectProblem(await raw('POST', '/v1/admin/catalogue', base), 409, 'conflict');
    expect(dup.term).toEqual({ kind: 'category', code: 'allotment-plot' });
    const cases: [Json, string][] = [
      [{ ...base, code: 'Bad Code' }, 'body.code'],
      [{ ...base, code: 'other-plot', kind: 'colour' }, 'body.kind'],
      [{ ...base, code: 'other-plot', label: { ca: 'x', es: 'y' } }, 'body.label.en'],
      [{ ...base, code: 'other-plot', dpv: 'not a dpv term' }, 'body.dpv'],
      [{ ...base, code: 'other-plot', maxValidityDays: 30 }, 'body.maxValidityDays'],
      [{ ...base, code: 'other-plot', kind: 'purpose', sensitive: true }, 'body.sensitive'],
      [{ ...base, code: 'other-plot', kind: 'purpose', maxValidityDays: 0 }, 'body.maxValidityDays'],
      [{ ...base, code: 'other-plot', extra: 1 }, 'body'],
    ];
    for (const [body, field] of cases) {
      const p = await expectProblem(await raw('POST', '/v1/admin/catalogue', body), 400, 'validation_failed');
      expect(JSON.stringify(p.errors), JSON.stringify(body)).toContain(field);
    }
    await expectProblem(await raw('PATCH', '/v1/admin/catalogue/category/allotment-plot', {}), 400, 'validation_failed');
    await expectProblem(await raw('PATCH', '/v1/admin/catalogue/category/allotment-plot', { label: {} }), 400, 'validation_failed');
    await expectProblem(await raw('PATCH', '/v1/admin/catalogue/category/allotment-plot', { code: 'renamed' }), 400, 'validation_failed');
    const cap = await expectProblem(await raw('PATCH', '/v1/admin/catalogue/category/allotment-plot', { maxValidityDays: 10 }), 400, 'validation_failed');
    expect(JSON.stringify(cap.errors)).toContain('body.maxValidityDays');
    expect((await call('PATCH', '/v1/admin/catalogue/category/allotment-plot', { sensitive: true })).body.sensitive).toBe(true);
    await expectProblem(await raw('PATCH', '/v1/admin/catalogue/purpose/no-such-term', { sensitive: false }), 404, 'not_found');
    await expectProblem(await raw('PATCH', '/v1/admin/catalogue/colour/x1', { sensitive: false }), 400, 'validation_failed');
  });
});
