/**
 * The administration pages through `app.request()`: only admins reach them;
 * services are registered, edited, suspended and re-keyed with CSRF-protected forms that
 * redirect with a notice, or re-render with errors tied to their fields in the page's
 * language; every change is audited under the admin. Catalogue, roles and invitations:
 * portal-admin-roles.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findService } from '../src/storage/services-repo.js';
import { insertWebhookEndpoint } from '../src/storage/webhook-endpoints-repo.js';
import { signUpAdmin, signUpOfficer } from './support/admin.js';
import { signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { seedTestCatalogue } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { storedEvents } from './support/officer.js';
import { getPage, postForm } from './support/portal.js';
import { generateServiceKey } from './support/service-client.js';

let t: TestContext;
let admin: SignedInCitizen;
let officer: SignedInCitizen;
let citizen: SignedInCitizen;

const serviceFields = (clientId: string, overrides: Record<string, string | string[]> = {}) => ({
  clientId,
  'name.ca': 'Ajuts a la calefacció',
  'name.es': 'Ayudas a la calefacción',
  'name.en': 'Heating grants',
  'description.ca': 'Ajuts per pagar la calefacció.',
  'description.es': 'Ayudas para pagar la calefacción.',
  'description.en': 'Help paying for heating.',
  'controller.name': 'Ajuntament de Barcelona',
  'controller.dpoContact': 'dpd@example.cat',
  'controller.policyUrl': 'https://example.cat/privacitat',
  purposes: ['t-benefits', 't-research'],
  categories: ['t-address'],
  processing: ['t-use'],
  ...overrides,
});

const locationOf = (res: Response) => res.headers.get('location') ?? '';

beforeAll(async () => {
  t = await createTestContext();
  await seedTestCatalogue(t.db);
  admin = await signUpAdmin(t);
  officer = await signUpOfficer(t);
  citizen = await signUpCitizen(t.app, t.config, { displayName: 'Carme' });
});

afterAll(async () => {
  await t?.close();
});

describe(`admin pages: access and services (${ENGINE})`, () => {
  it('sends a signed-out visitor to sign in and refuses citizens and officers (403)', async () => {
    for (const path of ['/admin', '/admin/services', '/admin/services/new', '/admin/catalogue', '/admin/roles']) {
      const out = await getPage(t, path);
      expect(out.res.status, path).toBe(303);
      expect(locationOf(out.res)).toBe(`/signin?next=${encodeURIComponent(path)}`);
      for (const who of [citizen, officer]) {
        const page = await getPage(t, path, { token: who.token, lang: 'ca' });
        expect(page.res.status, path).toBe(403);
        expect(page.html).toContain('No tens permís per veure aquesta pàgina.');
      }
    }
    // A citizen's form post is refused too, and changes nothing.
    const post = await postForm(t, '/admin/services', serviceFields('svc-by-citizen'), { token: citizen.token });
    expect(post.res.status).toBe(403);
    expect(await findService(t.db, 'svc-by-citizen')).toBeUndefined();
  });

  it('renders every admin page in Catalan, Spanish and English', async () => {
    const titles = {
      ca: ['Administració de Permís', 'Serveis registrats', 'Catàleg', 'Rols i invitacions'],
      es: ['Administración de Permís', 'Servicios registrados', 'Catálogo', 'Roles e invitaciones'],
      en: ['Permís administration', 'Registered services', 'Catalogue', 'Roles and invitations'],
    };
    for (const [lang, names] of Object.entries(titles)) {
      for (const [i, path] of ['/admin', '/admin/services', '/admin/catalogue', '/admin/roles'].entries()) {
        const { res, html } = await getPage(t, path, { token: admin.token, lang });
        expect(res.status, `${lang} ${path}`).toBe(200);
        expect(html).toContain(`<html lang="${lang}">`);
        expect(html).toContain(`<h1>${names[i]}</h1>`);
      }
    }
  });

  it('registers a service with a form, redirects with a notice and audits it under the admin', async () => {
    const key = await generateServiceKey('EdDSA');
    const { res } = await postForm(t, '/admin/services', serviceFields('ajuts-calefaccio', { jwks: JSON.stringify({ keys: [key.publicJwk] }) }), { token: admin.token });
    expect(res.status).toBe(303);
    const s = await findService(t.db, 'ajuts-calefaccio');
    expect(s).toMatchObject({
      status: 'active',
      name: { ca: 'Ajuts a la calefacció', es: 'Ayudas a la calefacción', en: 'Heating grants' },
      controller: { name: 'Ajuntament de Barcelona', dpoContact: 'dpd@example.cat', policyUrl: 'https://example.cat/privacitat' },
      purposes: ['t-benefits', 't-research'],
      categories: ['t-address'],
      processing: ['t-use'],
    });
    expect(s!.jwks.keys.map((k) => k.kid)).toEqual([key.publicJwk.kid]);
    expect(locationOf(res)).toBe(`/admin/services/${s!.id}?notice=created`);
    const page = await getPage(t, locationOf(res), { token: admin.token, lang: 'en' });
    expect(page.html).toContain('The service is registered.');
    expect(page.html).toContain(`<code>${key.publicJwk.kid}</code>`);
    expect(page.html).toContain('<h1>Heating grants</h1>');
    const registered = (await storedEvents(t.db)).find((e) => e.type === 'service.registered' && e.serviceId === s!.id);
    expect(registered).toMatchObject({ actorType: 'admin', actorId: admin.citizenId });
    const list = await getPage(t, '/admin/services', { token: admin.token });
    expect(list.html).toContain('<tr data-client-id="ajuts-calefaccio">');
  });

  it('re-renders the form with errors tied to their fields, in the page’s language', async () => {
    const { res, html } = await postForm(
      t,
      '/admin/services',
      serviceFields('Bad Id!', { 'controller.policyUrl': 'http://insecure.example', purposes: [], 'name.es': '', jwks: '{not json' }),
      { token: admin.token, lang: 'es' },
    );
    expect(res.status).toBe(400);
    expect(html).toContain('<div class="error-summary" role="alert"');
    // The JSON is refused first; fix it and the other fields are checked.
    expect(html).toMatch(/id="f-jwks"[^>]*aria-invalid="true"[^>]*aria-describedby="f-jwks-hint f-jwks-error"/);
    const again = await postForm(t, '/admin/services', serviceFields('Bad Id!', { 'controller.policyUrl': 'http://insecure.example', purposes: [], 'name.es': '' }), {
      token: admin.token,
      lang: 'es',
    });
    expect(again.res.status).toBe(400);
    for (const id of ['f-clientId', 'f-name-es', 'f-controller-policyUrl']) expect(again.html).toMatch(new RegExp(`id="${id}"[^>]*aria-invalid="true"[^>]*aria-describedby="[^"]*${id}-error"`));
    expect(again.html).toMatch(/<fieldset id="f-purposes" aria-describedby="f-purposes-hint f-purposes-error">/);
    expect(again.html).toContain('<p class="field-error" id="f-controller-policyUrl-error">Escribe un enlace que empiece por https://.</p>');
    expect(again.html).toContain('<a href="#f-name-es">Escribe el nombre en este idioma');
    // What was typed is kept.
    expect(again.html).toContain('value="http://insecure.example"');
    expect(await findService(t.db, 'Bad Id!')).toBeUndefined();
    // A taken client id.
    const taken = await postForm(t, '/admin/services', serviceFields('ajuts-calefaccio'), { token: admin.token, lang: 'en' });
    expect(taken.res.status).toBe(409);
    expect(taken.html).toContain('Another service already uses this identifier.');
  });

  it('edits, suspends after a confirmation, activates and re-keys a service', async () => {
    const s = (await findService(t.db, 'ajuts-calefaccio'))!;
    const edit = await postForm(t, `/admin/services/${s.id}`, serviceFields('ignored', { 'name.en': 'Heating help', categories: ['t-address', 't-income'] }), { token: admin.token });
    expect(edit.res.status).toBe(303);
    expect(locationOf(edit.res)).toBe(`/admin/services/${s.id}?notice=updated`);
    expect(await findService(t.db, s.id)).toMatchObject({ clientId: 'ajuts-calefaccio', name: { en: 'Heating help' }, categories: ['t-address', 't-income'] });

    const detail = await getPage(t, `/admin/services/${s.id}`, { token: admin.token, lang: 'en' });
    expect(detail.html).toContain(`<a id="suspend-service" class="button danger" href="/admin/services/${s.id}/suspend">`);
    const confirm = await getPage(t, `/admin/services/${s.id}/suspend`, { token: admin.token, lang: 'en' });
    expect(confirm.res.status).toBe(200);
    expect(confirm.html).toContain('<form id="suspend-form"');
    expect((await findService(t.db, s.id))!.status).toBe('active'); // the confirmation page changes nothing
    const suspend = await postForm(t, `/admin/services/${s.id}/suspend`, { reason: 'Audit pending' }, { token: admin.token });
    expect(suspend.res.status).toBe(303);
    expect(locationOf(suspend.res)).toBe(`/admin/services/${s.id}?notice=suspended`);
    expect((await findService(t.db, s.id))!.status).toBe('suspended');
    const suspended = (await storedEvents(t.db)).find((e) => e.type === 'service.suspended' && e.serviceId === s.id);
    expect(suspended).toMatchObject({ actorId: admin.citizenId, data: { reason: 'Audit pending' } });
    expect((await getPage(t, `/admin/services/${s.id}?notice=suspended`, { token: admin.token, lang: 'en' })).html).toContain('<form id="activate-form"');
    expect((await postForm(t, `/admin/services/${s.id}/activate`, {}, { token: admin.token })).res.status).toBe(303);
    expect((await findService(t.db, s.id))!.status).toBe('active');

    const next = await generateServiceKey('ES256');
    const keys = await postForm(t, `/admin/services/${s.id}/keys`, { jwks: JSON.stringify({ keys: [next.publicJwk] }) }, { token: admin.token });
    expect(keys.res.status).toBe(303);
    expect((await findService(t.db, s.id))!.jwks.keys.map((k) => k.kid)).toEqual([next.publicJwk.kid]);
    const bad = await postForm(t, `/admin/services/${s.id}/keys`, { jwks: JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }) }, { token: admin.token, lang: 'en' });
    expect(bad.res.status).toBe(400);
    expect(bad.html).toMatch(/id="f-jwks"[^>]*aria-invalid="true"/);
    expect((await findService(t.db, s.id))!.jwks.keys.map((k) => k.kid)).toEqual([next.publicJwk.kid]);
    // An empty set locks the service out: only after ticking the confirmation.
    const empty = await postForm(t, `/admin/services/${s.id}/keys`, { jwks: '{"keys": []}' }, { token: admin.token, lang: 'en' });
    expect(empty.res.status).toBe(400);
    expect(empty.html).toMatch(/id="f-confirmEmpty"[^>]*aria-invalid="true"/);
    expect((await findService(t.db, s.id))!.jwks.keys).toHaveLength(1);
    const confirmed = await postForm(t, `/admin/services/${s.id}/keys`, { jwks: '{"keys": []}', confirmEmpty: 'yes' }, { token: admin.token });
    expect(confirmed.res.status).toBe(303);
    expect((await findService(t.db, s.id))!.jwks.keys).toEqual([]);
    expect((await getPage(t, `/admin/services/${s.id}`, { token: admin.token })).html).toContain('id="no-keys"');
    // The webhook endpoint is shown read-only (services set it themselves), never its secret.
    expect((await getPage(t, `/admin/services/${s.id}`, { token: admin.token })).html).toContain('id="no-webhook"');
    await insertWebhookEndpoint(t.db, { serviceId: s.id, url: 'https://hooks.example.cat/permis', secret: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=', now: t.clock.now() });
    const withHook = (await getPage(t, `/admin/services/${s.id}`, { token: admin.token })).html;
    expect(withHook).toContain('<code>https://hooks.example.cat/permis</code>');
    expect(withHook).not.toContain('whsec_');
  });

  it('refuses a state change without the CSRF token or from another site (403), changing nothing', async () => {
    const s = (await findService(t.db, 'ajuts-calefaccio'))!;
    const attempts: { csrf?: string | false; headers?: Record<string, string> }[] = [
      { csrf: false },
      { csrf: 'forged-token' },
      { headers: { origin: 'https://evil.example' } },
      { headers: { 'sec-fetch-site': 'cross-site' } },
      { headers: { 'sec-fetch-site': 'same-site' } },
    ];
    for (const opts of attempts) {
      const out = await postForm(t, `/admin/services/${s.id}/suspend`, {}, { token: admin.token, lang: 'en', ...opts });
      expect(out.res.status, JSON.stringify(opts)).toBe(403);
      expect(out.html).toContain('For your safety we refused this form');
    }
    expect((await findService(t.db, s.id))!.status).toBe('active');
    const create = await postForm(t, '/admin/services', serviceFields('csrf-less'), { token: admin.token, csrf: false });
    expect(create.res.status).toBe(403);
    expect(await findService(t.db, 'csrf-less')).toBeUndefined();
  });
});
