/**
 * Reminders exactly once per consent and threshold, across two replicas and restarts: two app
 * instances on one database (two connection pools on the PostgreSQL server; on PGlite the same
 * handle, still concurrent) run the reminder scan and the mail delivery at the same time,
 * repeatedly, and one of them is restarted (a new pool) in between. Every reminder reaches the
 * real SMTP server once; a withdrawn consent gets none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevMailServer, startDevMailServer } from '../src/entry/dev-mail-server.js';
import { smtpTransport } from '../src/entry/smtp-transport.js';
import type { AppDeps } from '../src/core/deps.js';
import { deliverMail } from '../src/jobs/mail-delivery.js';
import { scanReminders } from '../src/jobs/reminder-scan.js';
import { composeMail } from '../src/portal/mail/compose-mail.js';
import type { Db } from '../src/storage/db.js';
import { bearer, signUpCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { grantBody } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { send } from './support/requests.js';
import { createServiceWithKey } from './support/service-client.js';

const DAY = 86_400_000;
const CITIZENS = 6;
let t: TestContext;
let smtp: DevMailServer;
let transport: ReturnType<typeof smtpTransport>;
const extraHandles: Db[] = [];

beforeAll(async () => {
  smtp = await startDevMailServer();
  transport = smtpTransport(smtp.url);
  t = await createTestContext();
});
afterAll(async () => {
  transport?.close();
  await smtp?.close();
  await Promise.all(extraHandles.map((h) => h.close().catch(() => {})));
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

/** Another app instance on the same database: its own connection pool on the server. */
function replica(): AppDeps {
  if (!t.database.connect) return { ...t.deps };
  const db = t.database.connect(4);
  extraHandles.push(db);
  return { ...t.deps, db };
}

/** Both replicas scan and deliver at once, `rounds` times. */
async function runBoth(a: AppDeps, b: AppDeps, rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await Promise.all([scanReminders(a), scanReminders(b), scanReminders(a), scanReminders(b)]);
    await Promise.all([deliverMail(a, { transport, compose: composeMail }), deliverMail(b, { transport, compose: composeMail })]);
  }
}

describe(`reminders on two replicas on ${ENGINE}`, () => {
  it('are recorded and mailed once per consent and threshold, across restarts, never for a withdrawn consent', async () => {
    const svc = await createServiceWithKey(t);
    const consents: string[] = [];
    let withdrawn = '';
    for (let i = 0; i < CITIZENS; i++) {
      const who = await signUpCitizen(t.app, t.config, { displayName: `Veïna ${i}` });
      expect((await send(t, 'PUT', '/v1/me/email', bearer(who.token), { address: `vei${i}@example.test`, language: 'ca' })).status).toBe(202);
      await t.db.query(`update citizen_email_addresses set status = 'confirmed', confirmed_at = $2 where citizen_id = $1`, [who.citizenId, t.clock.now()]);
      for (let k = 0; k < 2; k++) {
        const r = await send(t, 'POST', '/v1/me/consents', bearer(who.token), grantBody(svc.id, t.clock.now()));
        expect(r.status).toBe(201);
        consents.push(r.body.consent.id as string);
      }
      if (i === 0) {
        withdrawn = consents.pop()!;
        expect((await send(t, 'POST', `/v1/me/consents/${withdrawn}/withdraw`, bearer(who.token))).status).toBe(200);
      }
    }
    const start = t.clock.now();
    let [a, b] = [replica(), replica()];
    // The confirmation messages (queued before the addresses were confirmed) are skipped, not sent.
    await runBoth(a, b, 1);
    const baseline = smtp.received.length;
    expect(baseline).toBe(0);

    // 30 days before the end, then a restart of one replica, then 7 days before.
    t.clock.set(new Date(start.getTime() + 60 * DAY + 60_000));
    await runBoth(a, b, 3);
    b = replica();
    await runBoth(a, b, 2);
    t.clock.set(new Date(start.getTime() + 83 * DAY + 60_000));
    a = replica();
    await runBoth(a, b, 3);

    const rows = await t.db.query<{ consent_id: string; days: number; n: number }>(
      `select consent_id, (data->>'days')::int as days, count(*)::int as n from citizen_notifications
        where type = 'consent.expiring' group by consent_id, (data->>'days')::int`,
    );
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(rows.filter((r) => r.consent_id === withdrawn)).toEqual([]);
    expect(new Set(rows.map((r) => `${r.consent_id}:${r.days}`))).toEqual(new Set(consents.flatMap((id) => [`${id}:30`, `${id}:7`])));

    // Every reminder reached the SMTP server exactly once.
    const reminders = smtp.received.filter((m) => m.parsed.subject?.includes('caduca'));
    expect(reminders).toHaveLength(consents.length * 2);
    const perKey = new Map<string, number>();
    for (const m of reminders) {
      const key = `${m.to.join()}|${m.parsed.subject}|${/\/consents\/([0-9a-f-]{36})\/renew/.exec(m.parsed.text ?? '')?.[1]}`;
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
    }
    expect([...perKey.values()].every((n) => n === 1)).toBe(true);
    expect(perKey.size).toBe(consents.length * 2);
    const sent = await t.db.query<{ n: number }>(`select count(*)::int as n from notification_mail where kind = 'notification' and status = 'sent'`);
    expect(sent[0]!.n).toBe(consents.length * 2);
  });
});
