/**
 * The portal's notification pages through `app.request()`: the unread count in the header, the
 * inbox with links to the consent or request, marking read (one and all, CSRF-protected), the
 * settings with security notices locked on, the e-mail address form, the pages behind e-mail
 * links (no session), the renewal page (including a changed notice) and the admin outbox page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanReminders } from '../src/jobs/reminder-scan.js';
import { makeLinkToken } from '../src/crypto/link-token.js';
import { bearer, signInCitizen, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { grantBody } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { getPage, postForm } from './support/portal.js';
import { approveConsentRequest, createConsentRequest, send } from './support/requests.js';
import { createServiceWithKey, getServiceToken, type TestService } from './support/service-client.js';
import type { Json } from './support/json.js';


const DAY = 86_400_000;
let t: TestContext;
let svc: TestService;
let anna: SignedInCitizen;
let consent: Json;

beforeAll(async () => {
  t = await createTestContext({ config: { sessionTtlSeconds: 30 * 86_400 } });
  svc = await createServiceWithKey(t);
  anna = await signUpCitizen(t.app, t.config, { displayName: 'Anna' });
  consent = (await send(t, 'POST', '/v1/me/consents', bearer(anna.token), grantBody(svc.id, t.clock.now(), { validUntil: new Date(t.clock.now().getTime() + 40 * DAY).toISOString() }))).body.consent;
  t.clock.advance(10 * DAY + 60_000);
  await scanReminders(t.deps);
  anna = await signInCitizen(t.app, anna.authenticator);
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

describe(`portal notifications (${ENGINE})`, () => {
  it('shows the unread count in the header and the inbox in the reader’s language, with links', async () => {
    const home = await getPage(t, '/', { token: anna.token, lang: 'ca' });
    expect(home.html).toMatch(/id="unread-count"[^>]*>2</);
    expect(home.html).toContain('(2 sense llegir)');
    const inbox = await getPage(t, '/notifications', { token: anna.token, lang: 'ca' });
    expect(inbox.res.status).toBe(200);
    expect(inbox.html).toContain('El teu permís a Servei de prova caduca d’aquí a 30 dies');
    expect(inbox.html).toContain(`href="/consents/${consent.id}/renew"`);
    expect(inbox.html).toContain('Nou inici de sessió al teu compte');
    const es = await getPage(t, '/notifications', { token: anna.token, lang: 'es' });
    expect(es.html).toContain('Tu permiso a Servicio de prueba caduca dentro de 30 días');
    // Signed out: sent to sign in.
    expect((await getPage(t, '/notifications')).res.status).toBe(303);
  });

  it('marks one and then all read (with the CSRF token), and the count follows', async () => {
    const list = (await send(t, 'GET', '/v1/me/notifications', bearer(anna.token))).body.items as Json[];
    const forged = await postForm(t, `/notifications/${list[0]!.id}/read`, {}, { token: anna.token, csrf: 'nope' });
    expect(forged.res.status).toBe(403);
    const one = await postForm(t, `/notifications/${list[0]!.id}/read`, {}, { token: anna.token });
    expect(one.res.status).toBe(303);
    expect(one.res.headers.get('location')).toBe('/notifications?notice=marked-read');
    expect((await getPage(t, '/', { token: anna.token })).html).toMatch(/id="unread-count"[^>]*>1</);
    const all = await postForm(t, '/notifications/read-all', {}, { token: anna.token });
    expect(all.res.headers.get('location')).toBe('/notifications?notice=all-read');
    const after = await getPage(t, '/notifications', { token: anna.token, lang: 'en' });
    expect(after.html).not.toContain('id="unread-count"');
    expect(after.html).toContain('data-unread="0"');
  });

  it('saves preferences with security notices locked on, and adds an address', async () => {
    const page = await getPage(t, '/notifications/settings', { token: anna.token, lang: 'en' });
    expect(page.res.status).toBe(200);
    expect(page.html).toMatch(/name="inbox:security\.signed_in"[^>]*disabled/);
    expect(page.html).toContain('Security notices cannot be turned off');
    const saved = await postForm(t, '/notifications/settings', { language: 'es', 'inbox:consent.expiring': 'on', 'inbox:request.waiting': 'on', 'email:request.waiting': 'on' }, { token: anna.token });
    expect(saved.res.headers.get('location')).toBe('/notifications/settings?notice=settings-saved');
    const settings = (await send(t, 'GET', '/v1/me/notification-settings', bearer(anna.token))).body;
    const pref = Object.fromEntries((settings.preferences as Json[]).map((p) => [p.type, p]));
    expect(settings.language).toBe('es');
    expect(pref['consent.expiring']).toMatchObject({ inbox: true, email: false });
    expect(pref['consent.expired']).toMatchObject({ inbox: false, email: false });
    expect(pref['security.signed_in']).toMatchObject({ inbox: true, email: true });

    const bad = await postForm(t, '/notifications/email', { address: 'anna at example' }, { token: anna.token, lang: 'en' });
    expect(bad.res.status).toBe(400);
    expect(bad.html).toContain('id="address-error"');
    expect(bad.html).toContain('aria-invalid="true"');
    const added = await postForm(t, '/notifications/email', { address: 'anna@example.test' }, { token: anna.token, lang: 'en' });
    expect(added.res.headers.get('location')).toBe('/notifications/settings?notice=email-added');
    const shown = await getPage(t, '/notifications/settings?notice=email-added', { token: anna.token, lang: 'en' });
    expect(shown.html).toContain('anna@example.test');
    expect(shown.html).toContain('data-status="unconfirmed"');
    expect(shown.html).toContain('We sent you a link to confirm the address.');
  });

  it('confirms and unsubscribes through e-mail links without a session, and refuses bad links', async () => {
    const addressId = (await t.db.query<{ id: string }>('select id from citizen_email_addresses where citizen_id = $1', [anna.citizenId]))[0]!.id;
    const key = t.config.notifications!.linkKey!;
    const confirmToken = await makeLinkToken(key, 'confirm', addressId, new Date(t.clock.now().getTime() + DAY));
    const page = await getPage(t, `/email/confirm/${confirmToken}`, { lang: 'ca' });
    expect(page.res.status).toBe(200);
    expect(page.html).toContain('Sí, confirmo l’adreça');
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' };
    const done = await t.app.request(`/email/confirm/${confirmToken}`, form);
    expect(done.status).toBe(200);
    // An expired link, or one for unsubscribing, does not confirm.
    const expired = await makeLinkToken(key, 'confirm', addressId, new Date(t.clock.now().getTime() - 1000));
    expect((await t.app.request(`/email/confirm/${expired}`, form)).status).toBe(400);
    const unsubscribe = await makeLinkToken(key, 'unsubscribe', addressId);
    expect((await t.app.request(`/email/confirm/${unsubscribe}`, form)).status).toBe(400);
    expect((await t.app.request('/email/unsubscribe/nonsense', form)).status).toBe(400);
    const gone = await t.app.request(`/email/unsubscribe/${unsubscribe}`, { ...form, body: 'List-Unsubscribe=One-Click' });
    expect(gone.status).toBe(200);
    expect((await send(t, 'GET', '/v1/me/notification-settings', bearer(anna.token))).body.email).toBeNull();
  });

  it('renews from the consent page; refuses with a pointer when the notice changed', async () => {
    const details = await getPage(t, `/consents/${consent.id}`, { token: anna.token, lang: 'en' });
    expect(details.html).toContain(`href="/consents/${consent.id}/renew"`);
    const renew = await getPage(t, `/consents/${consent.id}/renew`, { token: anna.token, lang: 'en' });
    expect(renew.res.status).toBe(200);
    expect(renew.html).toContain('data-passkey="renew"');
    expect(renew.html).toContain(`data-consent-id="${consent.id}"`);
    expect(renew.html).toContain('id="renew-new-until"');

    const tok = await getServiceToken(t.app, svc);
    const subjectRef = `portal-${Date.now()}`;
    const approved = (await approveConsentRequest(t, anna, (await createConsentRequest(t, tok, subjectRef)).id)).consent as Json;
    const newer = await createConsentRequest(t, tok, subjectRef, { notice: { version: '2027-02', texts: { en: 'A new notice.' } } });
    const refused = await getPage(t, `/consents/${approved.id}/renew`, { token: anna.token, lang: 'en' });
    expect(refused.res.status).toBe(200);
    expect(refused.html).toContain('id="renewal-refused"');
    expect(refused.html).toContain(`href="/requests/${newer.id}"`);
    expect(refused.html).not.toContain('data-passkey="renew"');
    // Someone else's consent does not exist for them.
    const other = await signUpCitizen(t.app, t.config);
    expect((await getPage(t, `/consents/${consent.id}/renew`, { token: other.token })).res.status).toBe(404);
  });

  it('shows admins the outbox with its dead letters, never an address', async () => {
    const admin = await signUpCitizen(t.app, t.config, { displayName: 'Admin' });
    expect((await getPage(t, '/admin/mail', { token: admin.token })).res.status).toBe(403);
    await t.db.query(`insert into citizen_roles (citizen_id, role, granted_at, granted_by) values ($1, 'admin', $2, 'cli')`, [admin.citizenId, t.clock.now()]);
    const id = (await t.db.query<{ id: string }>(`select id from notification_mail where citizen_id = $1 limit 1`, [anna.citizenId]))[0]!.id;
    await t.db.query(`update notification_mail set status = 'dead', attempts = 12, last_error = '550 mailbox unavailable' where id = $1`, [id]);
    const page = await getPage(t, '/admin/mail', { token: admin.token, lang: 'en' });
    expect(page.res.status).toBe(200);
    expect(page.html).toContain(`id="mail-${id}"`);
    expect(page.html).toContain('550 mailbox unavailable');
    expect(page.html).not.toContain('anna@example.test');
    const retried = await postForm(t, `/admin/mail/${id}/retry`, {}, { token: admin.token });
    expect(retried.res.headers.get('location')).toBe('/admin/mail?status=pending&notice=mail-requeued');
  });
});
