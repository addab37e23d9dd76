/**
 * The administration's catalogue, roles and invitations pages: terms added,
 * changed and retired (never one in use); invitations whose one-time link really enrols; roles
 * revoked after a confirmation, never the last admin's; all behind CSRF-protected forms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTerm } from '../src/storage/catalogue-repo.js';
import { listCitizenRoles } from '../src/storage/roles-repo.js';
import { enrol, signUpAdmin, signUpOfficer } from './support/admin.js';
import { signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { createTestService, seedTestCatalogue } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { storedEvents } from './support/officer.js';
import { getPage, postForm } from './support/portal.js';

let t: TestContext;
let admin: SignedInCitizen;

const locationOf = (res: Response) => res.headers.get('location') ?? '';
const termFields = (overrides: Record<string, string> = {}) => ({
  kind: 'purpose',
  code: 't-sport',
  dpv: 'dpv:ServiceProvision',
  'label.ca': 'Activitats esportives',
  'label.es': 'Actividades deportivas',
  'label.en': 'Sports activities',
  'description.ca': 'Inscripció a activitats esportives municipals.',
  'description.es': 'Inscripción a actividades deportivas municipales.',
  'description.en': 'Signing up for municipal sports activities.',
  maxValidityDays: '180',
  ...overrides,
});

beforeAll(async () => {
  t = await createTestContext();
  await seedTestCatalogue(t.db);
  admin = await signUpAdmin(t);
});

afterAll(async () => {
  await t?.close();
});

describe(`admin pages: catalogue, roles and invitations (${ENGINE})`, () => {
  it('lists the catalogue with its texts in the three languages, and adds, changes and retires a term', async () => {
    const list = await getPage(t, '/admin/catalogue', { token: admin.token, lang: 'en' });
    expect(list.html).toContain('<table id="terms-purpose">');
    expect(list.html).toContain('<tr data-code="energy-poverty-support">');
    expect(list.html).toContain('<td lang="ca">Ajuts contra la pobresa energètica</td>');

    const created = await postForm(t, '/admin/catalogue', termFields(), { token: admin.token });
    expect(created.res.status).toBe(303);
    expect(locationOf(created.res)).toBe('/admin/catalogue/purpose/t-sport?notice=created');
    expect(await getTerm(t.db, 'purpose', 't-sport')).toMatchObject({ label: { en: 'Sports activities' }, maxValidityDays: 180, dpv: 'dpv:ServiceProvision' });
    expect((await storedEvents(t.db)).find((e) => e.type === 'catalogue.term_created')).toMatchObject({ actorId: admin.citizenId });

    const bad = await postForm(t, '/admin/catalogue', termFields({ code: 't-other', kind: 'processing', 'label.ca': '', maxValidityDays: '30' }), { token: admin.token, lang: 'ca' });
    expect(bad.res.status).toBe(400);
    expect(bad.html).toMatch(/id="f-label-ca"[^>]*aria-invalid="true"/);
    expect(bad.html).toContain('Escriu el nom en aquest idioma');
    const rule = await postForm(t, '/admin/catalogue', termFields({ code: 't-other', kind: 'processing', maxValidityDays: '30' }), { token: admin.token, lang: 'en' });
    expect(rule.res.status).toBe(400);
    expect(rule.html).toMatch(/id="f-maxValidityDays"[^>]*aria-invalid="true"/);
    expect(await getTerm(t.db, 'processing', 't-other')).toBeUndefined();
    const dup = await postForm(t, '/admin/catalogue', termFields(), { token: admin.token, lang: 'en' });
    expect(dup.res.status).toBe(409);
    expect(dup.html).toContain('The catalogue already has this code for this kind.');

    const edit = await postForm(t, '/admin/catalogue/purpose/t-sport', termFields({ 'label.es': 'Deporte', maxValidityDays: '' }), { token: admin.token });
    expect(edit.res.status).toBe(303);
    expect(await getTerm(t.db, 'purpose', 't-sport')).toMatchObject({ label: { es: 'Deporte', ca: 'Activitats esportives' }, maxValidityDays: null });

    const confirm = await getPage(t, '/admin/catalogue/purpose/t-sport/delete', { token: admin.token });
    expect(confirm.html).toContain('<form id="delete-term-form"');
    expect(await getTerm(t.db, 'purpose', 't-sport')).toBeDefined();
    const del = await postForm(t, '/admin/catalogue/purpose/t-sport/delete', {}, { token: admin.token });
    expect(del.res.status).toBe(303);
    expect(locationOf(del.res)).toBe('/admin/catalogue?notice=deleted');
    expect(await getTerm(t.db, 'purpose', 't-sport')).toBeUndefined();
  });

  it('never retires a term in use, and says what uses it', async () => {
    await createTestService(t.db, { purposes: ['t-benefits'], categories: ['t-address'], processing: [] });
    const { res, html } = await postForm(t, '/admin/catalogue/purpose/t-benefits/delete', {}, { token: admin.token, lang: 'en' });
    expect(res.status).toBe(409);
    expect(html).toMatch(/It cannot be retired: [1-9]\d* services, 0 requests and 0 consents use it\./);
    expect(await getTerm(t.db, 'purpose', 't-benefits')).toBeDefined();
    expect((await postForm(t, '/admin/catalogue/purpose/t-benefits/delete', {}, { token: admin.token, csrf: false })).res.status).toBe(403);
  });

  it('creates an invitation whose one-time enrolment link is shown once and really enrols', async () => {
    const { res, html } = await postForm(t, '/admin/invitations', { role: 'officer' }, { token: admin.token, lang: 'en' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const link = /<a id="enrol-link" href="([^"]+)">/.exec(html)![1]!;
    expect(link).toMatch(/^http:\/\/localhost:8787\/enrol#code=[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$/);
    const code = link.split('#code=')[1]!;
    expect(html).toContain(`<code id="enrol-code">${code}</code>`);
    // The list page never shows it again (and the form's address leads back to it).
    const back = await getPage(t, '/admin/invitations', { token: admin.token });
    expect([back.res.status, locationOf(back.res)]).toEqual([303, '/admin/roles']);
    const roles = await getPage(t, '/admin/roles', { token: admin.token });
    expect(roles.html).not.toContain(code);
    expect(roles.html).toContain('<span class="badge pending">');
    // Someone signs up and redeems it: they are an officer.
    const newcomer = await signUpCitizen(t.app, t.config, { displayName: 'Núria' });
    expect((await enrol(t, newcomer, code)).status).toBe(200);
    expect((await listCitizenRoles(t.db, newcomer.citizenId)).map((g) => g.role)).toEqual(['officer']);
    expect((await getPage(t, '/officer', { token: newcomer.token })).res.status).toBe(200);
    expect((await storedEvents(t.db)).filter((e) => e.type === 'invitation.created' && e.actorId === admin.citizenId)).toHaveLength(1);
  });

  it('revokes a pending invitation after a confirmation, so its link no longer enrols', async () => {
    const { html } = await postForm(t, '/admin/invitations', { role: 'admin' }, { token: admin.token });
    const code = /<code id="enrol-code">([^<]+)<\/code>/.exec(html)![1]!;
    const id = [...(await getPage(t, '/admin/roles', { token: admin.token })).html.matchAll(/<tr data-invitation-id="([0-9a-f-]+)"><th scope="row">[^<]*<\/th><td><span class="badge pending">/g)].map((m) => m[1]!)[0]!;
    const confirm = await getPage(t, `/admin/invitations/${id}/revoke`, { token: admin.token });
    expect(confirm.html).toContain('<form id="revoke-invitation-form"');
    const revoked = await postForm(t, `/admin/invitations/${id}/revoke`, {}, { token: admin.token });
    expect(revoked.res.status).toBe(303);
    expect(locationOf(revoked.res)).toBe('/admin/roles?notice=invitation-revoked');
    const someone = await signUpCitizen(t.app, t.config, { displayName: 'Pau' });
    expect((await enrol(t, someone, code)).status).toBe(400);
    expect(await listCitizenRoles(t.db, someone.citizenId)).toEqual([]);
  });

  it('revokes a role after a confirmation, and never the last admin’s', async () => {
    const officer = await signUpOfficer(t, { displayName: 'Oriol' });
    const page = await getPage(t, '/admin/roles', { token: admin.token, lang: 'en' });
    expect(page.html).toContain(`<tr data-citizen-id="${officer.citizenId}" data-role="officer">`);
    const confirm = await getPage(t, `/admin/roles/${officer.citizenId}/officer/revoke`, { token: admin.token, lang: 'en' });
    expect(confirm.html).toContain('<h1>Remove the Privacy officer role from Oriol?</h1>');
    expect(confirm.html).toContain('<form id="revoke-role-form"');
    expect((await getPage(t, '/officer', { token: officer.token })).res.status).toBe(200);
    const revoked = await postForm(t, `/admin/roles/${officer.citizenId}/officer/revoke`, {}, { token: admin.token });
    expect(revoked.res.status).toBe(303);
    expect(locationOf(revoked.res)).toBe('/admin/roles?notice=revoked');
    expect((await getPage(t, '/officer', { token: officer.token })).res.status).toBe(403);
    expect((await storedEvents(t.db)).find((e) => e.type === 'role.revoked' && e.citizenId === officer.citizenId)).toMatchObject({ actorId: admin.citizenId });

    // The only admin cannot lose the role: a clear message, and nothing changes.
    const last = await postForm(t, `/admin/roles/${admin.citizenId}/admin/revoke`, {}, { token: admin.token, lang: 'en' });
    expect(last.res.status).toBe(409);
    expect(last.html).toContain('they are the only person with the admin role. Invite someone else as admin first.');
    expect((await listCitizenRoles(t.db, admin.citizenId)).map((g) => g.role)).toContain('admin');
    // Without the form token: refused.
    expect((await postForm(t, `/admin/roles/${admin.citizenId}/admin/revoke`, {}, { token: admin.token, csrf: false })).res.status).toBe(403);
    expect((await getPage(t, `/admin/roles/${officer.citizenId}/officer/revoke`, { token: admin.token })).res.status).toBe(404);
  });
});
