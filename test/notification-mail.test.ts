/**
 * E-mail as an opt-in channel, delivered to a real SMTP server started by the test
 * (smtp-server, read back with mailparser): double opt-in (an unconfirmed address receives
 * nothing but its confirmation), a reminder in the citizen's language with RFC 8058 one-click
 * unsubscribe headers and no tracking, unsubscription without signing in and only for that
 * address, nothing sent for a withdrawn consent, retries and the dead letters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevMailServer, type ReceivedMail, startDevMailServer } from '../src/entry/dev-mail-server.js';
import { smtpTransport } from '../src/entry/smtp-transport.js';
import { makeLinkToken } from '../src/crypto/link-token.js';
import { deliverMail } from '../src/jobs/mail-delivery.js';
import { scanReminders } from '../src/jobs/reminder-scan.js';
import { composeMail } from '../src/portal/mail/compose-mail.js';
import { bearer, signInCitizen, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { grantBody } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { send } from './support/requests.js';
import { createServiceWithKey, type TestService } from './support/service-client.js';
import type { Json } from './support/json.js';


const DAY = 86_400_000;
const ORIGIN = 'https://permis.example.test';
let t: TestContext;
let svc: TestService;
let smtp: DevMailServer;
let transport: ReturnType<typeof smtpTransport>;
/** Recipients the server refuses, with the reply code. */
const refusals = new Map<string, number>();

beforeAll(async () => {
  smtp = await startDevMailServer({ refuse: (to) => refusals.get(to) });
  transport = smtpTransport(smtp.url);
  t = await createTestContext({ config: { publicUrl: ORIGIN, rpId: 'permis.example.test', sessionTtlSeconds: 30 * 86_400 } });
  svc = await createServiceWithKey(t);
});
afterAll(async () => {
  transport?.close();
  await smtp?.close();
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

const deliver = () => deliverMail(t.deps, { transport, compose: composeMail });
const mailTo = (address: string): ReceivedMail[] => smtp.received.filter((m) => m.to.includes(address));
/** The `List-Unsubscribe` URI of a raw message (headers unfolded, RFC 5322 §2.2.3). */
const listUnsubscribeOf = (raw: string): string | undefined => /^List-Unsubscribe: <([^>]+)>/im.exec(raw.replace(/\r?\n[ \t]+/g, ' '))?.[1];
/** A header field of a raw message (unfolded), e.g. `List-Unsubscribe-Post`. */
const headerOf = (raw: string, name: string): string | undefined => new RegExp(`^${name}: ([^\\r\\n]*)`, 'im').exec(raw.replace(/\r?\n[ \t]+/g, ' '))?.[1];
/** The URLs in a text part. */
const links = (text: string): string[] => [...text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
/** A form POST to a portal page, with no session at all. */
const postAnonymous = (url: string, body = 'List-Unsubscribe=One-Click') =>
  t.app.request(new URL(url).pathname, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

async function signUpWithAddress(name: string, address: string, language: 'ca' | 'es' | 'en'): Promise<SignedInCitizen> {
  const who = await signUpCitizen(t.app, t.config, { displayName: name });
  const put = await send(t, 'PUT', '/v1/me/email', bearer(who.token), { address, language });
  expect(put.status, JSON.stringify(put.body)).toBe(202);
  expect(put.body).toMatchObject({ status: 'unconfirmed', confirmedAt: null });
  return who;
}

/** Delivers, waits for the confirmation to `address`, and follows its link without a session. */
async function confirm(address: string): Promise<void> {
  await deliver();
  const mail = mailTo(address).filter((m) => (m.parsed.text ?? '').includes('/email/confirm/')).at(-1);
  expect(mail, `a confirmation to ${address}`).toBeDefined();
  const link = links(mail!.parsed.text ?? '').find((l) => l.includes('/email/confirm/'))!;
  // Opening the link changes nothing (a scanner may open it); the button confirms.
  const page = await t.app.request(new URL(link).pathname);
  expect(page.status).toBe(200);
  const done = await postAnonymous(link, '');
  expect(done.status).toBe(200);
  expect(await done.text()).toContain('data-result="ok"');
}

describe(`e-mail over SMTP on ${ENGINE}`, () => {
  it('double opt-in, then a Catalan reminder with one-click unsubscribe and no tracking', async () => {
    let nuria = await signUpWithAddress('Núria', 'nuria@example.test', 'ca');
    const consent = (await send(t, 'POST', '/v1/me/consents', bearer(nuria.token), grantBody(svc.id, t.clock.now()))).body.consent as Json;

    // A notification before confirming: the unconfirmed address receives only the confirmation.
    const again = await signInCitizen(t.app, nuria.authenticator);
    expect(((await send(t, 'GET', '/v1/me/notifications', bearer(again.token))).body.items as Json[]).map((i) => i.type)).toContain('security.signed_in');
    const r1 = await deliver();
    expect(r1).toMatchObject({ sent: 1 });
    await smtp.waitFor(1);
    const [confirmation] = mailTo('nuria@example.test');
    expect(mailTo('nuria@example.test')).toHaveLength(1);
    expect(confirmation!.parsed.subject).toBe('Confirma la teva adreça a Permís');
    expect(confirmation!.parsed.headers.get('content-language')).toBe('ca');
    expect(listUnsubscribeOf(confirmation!.raw)).toBeUndefined();
    expect(confirmation!.parsed.from?.text).toContain('no-reply@localhost');

    // Following the link confirms the address, without signing in.
    const link = links(confirmation!.parsed.text ?? '').find((l) => l.startsWith(`${ORIGIN}/email/confirm/`))!;
    expect((await t.app.request(new URL(link).pathname)).status).toBe(200);
    expect((await send(t, 'GET', '/v1/me/notification-settings', bearer(again.token))).body.email).toMatchObject({ status: 'unconfirmed' });
    const confirmed = await postAnonymous(link, '');
    expect(confirmed.status).toBe(200);
    expect((await send(t, 'GET', '/v1/me/notification-settings', bearer(again.token))).body.email).toMatchObject({ address: 'nuria@example.test', status: 'confirmed' });
    // A tampered link confirms nothing.
    expect((await postAnonymous(`${link.slice(0, -2)}xx`, '')).status).toBe(400);

    // 30 days before the end: the reminder, in Catalan.
    const until = new Date(consent.validUntil as string);
    t.clock.set(new Date(until.getTime() - 30 * DAY + 60_000));
    await scanReminders(t.deps);
    nuria = await signInCitizen(t.app, nuria.authenticator);
    const r2 = await deliver();
    expect(r2.sent).toBeGreaterThanOrEqual(1);
    await smtp.waitFor(2);
    const reminder = mailTo('nuria@example.test').find((m) => m.parsed.subject?.includes('caduca'))!;
    expect(reminder.parsed.subject).toBe('El teu permís a Servei de prova caduca d’aquí a 30 dies');
    expect(reminder.parsed.headers.get('content-language')).toBe('ca');
    expect(reminder.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    // RFC 8058 §3.1: one HTTPS URI, and the one-click marker.
    const listUnsubscribe = listUnsubscribeOf(reminder.raw);
    expect(listUnsubscribe).toMatch(new RegExp(`^${ORIGIN}/email/unsubscribe/`));
    expect(headerOf(reminder.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    // Multipart text and HTML; every link goes straight to the portal; no images, no pixels.
    expect(reminder.raw).toMatch(/multipart\/alternative/i);
    const text = reminder.parsed.text ?? '';
    const html = String(reminder.parsed.html);
    expect(text).toContain(`${ORIGIN}/consents/${consent.id}/renew`);
    expect(links(text).every((l) => l.startsWith(`${ORIGIN}/`))).toBe(true);
    expect(html).toContain('<html lang="ca">');
    expect(html).not.toMatch(/<img|background=|url\(/i);
    expect([...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!).every((h) => h.startsWith(`${ORIGIN}/`))).toBe(true);
    expect(text).toContain('Renova el permís');

    // The same reminder is never sent twice.
    await scanReminders(t.deps);
    expect(await deliver()).toMatchObject({ attempted: 0 });
  });

  it('unsubscribes with one POST, without signing in, and only that address', async () => {
    const [maria, joan] = [await signUpWithAddress('Maria', 'maria@example.test', 'es'), await signUpWithAddress('Joan', 'joan@example.test', 'en')];
    await confirm('maria@example.test');
    await confirm('joan@example.test');
    // A new sign-in is a security notice: both get one, in their own languages.
    await signInCitizen(t.app, maria.authenticator);
    await signInCitizen(t.app, joan.authenticator);
    await deliver();
    await smtp.waitFor(smtp.received.length);
    const toMaria = mailTo('maria@example.test').find((m) => listUnsubscribeOf(m.raw) !== undefined)!;
    const toJoan = mailTo('joan@example.test').find((m) => listUnsubscribeOf(m.raw) !== undefined)!;
    expect(toMaria.parsed.subject).toBe('Nuevo inicio de sesión en tu cuenta');
    expect(toJoan.parsed.subject).toBe('New sign-in to your account');
    const unsubscribeMaria = listUnsubscribeOf(toMaria.raw)!;

    // A GET (a link scanner) changes nothing; the POST unsubscribes, with no session.
    expect((await t.app.request(new URL(unsubscribeMaria).pathname)).status).toBe(200);
    const res = await postAnonymous(unsubscribeMaria);
    expect(res.status).toBe(200);
    // Idempotent, as a mail client may repeat it.
    expect((await postAnonymous(unsubscribeMaria)).status).toBe(200);
    expect((await send(t, 'GET', '/v1/me/notification-settings', bearer(maria.token))).body.email).toBeNull();
    expect((await send(t, 'GET', '/v1/me/notification-settings', bearer(joan.token))).body.email).toMatchObject({ status: 'confirmed' });
    // A token signed with any other key does nothing to Joan's address.
    const joanAddress = (await t.db.query<{ id: string }>('select id from citizen_email_addresses where citizen_id = $1', [joan.citizenId]))[0]!.id;
    const forged = await makeLinkToken(new Uint8Array(32).fill(7), 'unsubscribe', joanAddress);
    expect((await postAnonymous(`${ORIGIN}/email/unsubscribe/${forged}`)).status).toBe(400);

    const before = smtp.received.length;
    await signInCitizen(t.app, maria.authenticator);
    await signInCitizen(t.app, joan.authenticator);
    await deliver();
    await smtp.waitFor(before + 1);
    expect(smtp.received.slice(before).flatMap((m) => m.to)).toEqual(['joan@example.test']);
  });

  it('sends nothing for a consent withdrawn after its reminder was queued', async () => {
    const pere = await signUpWithAddress('Pere', 'pere@example.test', 'ca');
    await confirm('pere@example.test');
    const consent = (await send(t, 'POST', '/v1/me/consents', bearer(pere.token), grantBody(svc.id, t.clock.now(), { validUntil: new Date(t.clock.now().getTime() + 40 * DAY).toISOString() }))).body.consent as Json;
    t.clock.advance(11 * DAY);
    await scanReminders(t.deps);
    const queued = await t.db.query<{ status: string }>(`select m.status from notification_mail m join citizen_notifications n on n.id = m.notification_id where n.consent_id = $1`, [consent.id]);
    expect(queued.map((q) => q.status)).toEqual(['pending']);
    const fresh = await signInCitizen(t.app, pere.authenticator);
    expect((await send(t, 'POST', `/v1/me/consents/${consent.id}/withdraw`, bearer(fresh.token))).status).toBe(200);
    const before = mailTo('pere@example.test').length;
    await deliver();
    await new Promise((r) => setTimeout(r, 200));
    const after = mailTo('pere@example.test').slice(before);
    expect(after.every((m) => !m.parsed.subject?.includes('caduca'))).toBe(true);
    const state = await t.db.query<{ status: string; last_error: string }>(
      `select m.status, m.last_error from notification_mail m join citizen_notifications n on n.id = m.notification_id where n.consent_id = $1`,
      [consent.id],
    );
    expect(state).toEqual([{ status: 'skipped', last_error: 'what it was about is settled' }]);
  });

  it('sends nothing for a consent renewed after its reminder was queued, and reminds of the new end later', async () => {
    const quim = await signUpWithAddress('Quim', 'quim@example.test', 'ca');
    await confirm('quim@example.test');
    const consent = (await send(t, 'POST', '/v1/me/consents', bearer(quim.token), grantBody(svc.id, t.clock.now(), { validUntil: new Date(t.clock.now().getTime() + 40 * DAY).toISOString() }))).body.consent as Json;
    t.clock.advance(11 * DAY);
    await scanReminders(t.deps);
    const fresh = await signInCitizen(t.app, quim.authenticator);
    const start = await send(t, 'POST', `/v1/me/consents/${consent.id}/renewal`, bearer(fresh.token));
    expect(start.status, JSON.stringify(start.body)).toBe(200);
    const renewed = await send(t, 'POST', `/v1/me/consents/${consent.id}/renew`, bearer(fresh.token), { ceremonyId: start.body.ceremonyId, response: await quim.authenticator.authenticate(start.body.options) });
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
    const before = mailTo('quim@example.test').length;
    await deliver();
    expect(mailTo('quim@example.test').slice(before).filter((m) => m.parsed.subject?.includes('caduca'))).toEqual([]);
    const reminders = await t.db.query<{ status: string; valid_until: string }>(
      `select m.status, n.data->>'validUntil' as valid_until from notification_mail m join citizen_notifications n on n.id = m.notification_id where n.consent_id = $1`,
      [consent.id],
    );
    expect(reminders).toEqual([{ status: 'skipped', valid_until: consent.validUntil }]);
    // The new end gets its own reminder when it comes.
    t.clock.set(new Date(new Date(renewed.body.consent.validUntil as string).getTime() - 30 * DAY + 60_000));
    await scanReminders(t.deps);
    await deliver();
    const sent = mailTo('quim@example.test').slice(before).filter((m) => m.parsed.subject?.includes('caduca'));
    expect(sent).toHaveLength(1);
  });

  it('retries a temporary failure with backoff; a permanent refusal is a dead letter admins can retry', async () => {
    const [rita, sergi] = [await signUpWithAddress('Rita', 'rita@example.test', 'ca'), await signUpWithAddress('Sergi', 'sergi@example.test', 'ca')];
    refusals.set('rita@example.test', 451);
    refusals.set('sergi@example.test', 550);
    const r = await deliver();
    expect(r).toMatchObject({ retrying: 1, dead: 1 });
    const rows = await t.db.query<{ event_type: string; status: string; attempts: number; next_attempt_at: Date; last_error: string }>(
      `select event_type, status, attempts, next_attempt_at, last_error from notification_mail where citizen_id = any($1::uuid[]) order by status`,
      [[rita.citizenId, sergi.citizenId]],
    );
    expect(rows.map((x) => [x.status, x.attempts])).toEqual([
      ['dead', 1],
      ['pending', 1],
    ]);
    expect(rows[1]!.next_attempt_at.getTime()).toBeGreaterThan(t.clock.now().getTime());
    expect(rows[0]!.last_error).toMatch(/550/);

    // Not due yet: nothing is attempted; once due, the next attempt succeeds.
    expect((await deliver()).attempted).toBe(0);
    refusals.delete('rita@example.test');
    t.clock.advance(60_000);
    expect(await deliver()).toMatchObject({ sent: 1 });

    // The admin sees the dead letter with its log, and retries it once the address works.
    const admin = await signUpCitizen(t.app, t.config, { displayName: 'Admin' });
    expect((await send(t, 'GET', '/v1/admin/notification-mail?status=dead', bearer(admin.token))).status).toBe(403);
    await t.db.query(`insert into citizen_roles (citizen_id, role, granted_at, granted_by) values ($1, 'admin', $2, 'cli')`, [admin.citizenId, t.clock.now()]);
    const dead = await send(t, 'GET', '/v1/admin/notification-mail?status=dead', bearer(admin.token));
    expect(dead.status, JSON.stringify(dead.body)).toBe(200);
    expect(dead.body.counts.dead).toBeGreaterThanOrEqual(1);
    const letter = (dead.body.items as Json[]).find((m) => m.eventType === 'email.confirmation' && m.status === 'dead')!;
    expect(JSON.stringify(dead.body)).not.toContain('sergi@example.test');
    const detail = await send(t, 'GET', `/v1/admin/notification-mail/${letter.id}`, bearer(admin.token));
    expect(detail.body.deliveryLog).toEqual([expect.objectContaining({ attempt: 1, outcome: 'dead', error: expect.stringMatching(/550/) })]);
    refusals.delete('sergi@example.test');
    const retried = await send(t, 'POST', `/v1/admin/notification-mail/${letter.id}/retry`, bearer(admin.token));
    expect(retried.body).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await send(t, 'POST', `/v1/admin/notification-mail/${letter.id}/retry`, bearer(admin.token))).status).toBe(409);
    const before = mailTo('sergi@example.test').length;
    expect(await deliver()).toMatchObject({ sent: 1 });
    await smtp.waitFor(smtp.received.length);
    expect(mailTo('sergi@example.test').length).toBe(before + 1);
  });

  it('stores the address encrypted, exports it, and erases it with the account', async () => {
    const xavi = await signUpWithAddress('Xavi', 'xavi@example.test', 'en');
    await confirm('xavi@example.test');
    const stored = await t.db.query<{ address_jwe: string }>('select address_jwe from citizen_email_addresses where citizen_id = $1', [xavi.citizenId]);
    expect(stored[0]!.address_jwe.split('.')).toHaveLength(5);
    expect(stored[0]!.address_jwe).not.toContain('xavi');
    await signInCitizen(t.app, xavi.authenticator);
    const exported = await send(t, 'GET', '/v1/me/export', bearer(xavi.token));
    expect(exported.status).toBe(200);
    expect(exported.body.notifications).toMatchObject({
      language: 'en',
      email: { address: 'xavi@example.test', status: 'confirmed' },
      items: [expect.objectContaining({ type: 'security.signed_in' })],
      truncated: false,
    });
    const erased = await send(t, 'POST', '/v1/me/erase', bearer(xavi.token), { confirm: 'erase my account' });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    for (const table of ['citizen_email_addresses', 'citizen_notifications', 'citizen_notification_settings', 'notification_mail']) {
      const left = await t.db.query<{ n: number }>(`select count(*)::int as n from ${table} where citizen_id = $1`, [xavi.citizenId]);
      expect(left[0]!.n, table).toBe(0);
    }
  });
});
