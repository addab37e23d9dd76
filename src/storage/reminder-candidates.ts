/**
 * What the reminder scan looks at: live consents near the end of their validity and pending
 * requests near their deadline whose citizen has not been told yet. The queries only narrow
 * the candidates (by the consents_expiry and pending-request indexes); the scan decides each
 * one again under a row lock.
 */
import type { ConsentStatus, ConsentTerms } from '../domain/consent.js';
import type { Sql } from './db.js';

const DAY = "interval '1 day'";

/**
 * Ids of live consents of a citizen (not erased) that are within `days` of their end at `now`,
 * were longer than that, and whose citizen has no `consent.expiring` notification for this end
 * and a threshold of `days` or fewer, nor muted the inbox for it. Soonest end first.
 */
export async function consentsDueForReminder(sql: Sql, q: { now: Date; days: number; batch: number }): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `select c.id from consents c
      where c.status in ('active', 'paused') and c.citizen_id is not null
        and c.valid_until > $1 and c.valid_until <= $1::timestamptz + $2::int * ${DAY}
        and (c.terms->>'validFrom')::timestamptz < c.valid_until - $2::int * ${DAY}
        and not exists (select 1 from citizen_notifications n
              where n.consent_id = c.id and n.type = 'consent.expiring'
                and (n.data->>'validUntil')::timestamptz = c.valid_until and (n.data->>'days')::int <= $2::int)
        and not exists (select 1 from citizen_notification_settings s
              where s.citizen_id = c.citizen_id and coalesce(s.muted->'consent.expiring', '[]'::jsonb) @> '["inbox"]'::jsonb)
      order by c.valid_until limit $3`,
    [q.now, q.days, q.batch],
  );
  return rows.map((r) => r.id);
}

/** A consent as the reminder scan needs it. */
export interface ReminderConsent {
  id: string;
  citizenId: string | null;
  serviceId: string;
  status: ConsentStatus;
  validUntil: Date;
  terms: ConsentTerms;
}

/**
 * The consent `id`, locked against transitions (`for update`), or undefined when another
 * transaction holds it (`skip locked`: the next scan looks again) or it does not exist.
 */
export async function lockConsentForReminder(tx: Sql, id: string): Promise<ReminderConsent | undefined> {
  const rows = await tx.query<{ id: string; citizen_id: string | null; service_id: string; status: ConsentStatus; valid_until: Date; terms: ConsentTerms }>(
    'select id, citizen_id, service_id, status, valid_until, terms from consents where id = $1 for update skip locked',
    [id],
  );
  const r = rows[0];
  return r && { id: r.id, citizenId: r.citizen_id, serviceId: r.service_id, status: r.status, validUntil: r.valid_until, terms: r.terms };
}

/**
 * Pending requests to a subjectRef bound to a citizen, within `hours` of their deadline at
 * `now` and open longer than that, whose citizen was not warned yet nor muted the inbox for it.
 */
export async function requestsDueForWarning(sql: Sql, q: { now: Date; hours: number; batch: number }): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `select r.id from consent_requests r
       join subject_bindings b on b.service_id = r.service_id and b.subject_ref = r.subject_ref
      where r.status = 'pending' and r.expires_at > $1 and r.expires_at <= $1::timestamptz + $2::int * interval '1 hour'
        and r.created_at < r.expires_at - $2::int * interval '1 hour'
        and not exists (select 1 from citizen_notifications n where n.request_id = r.id and n.type = 'request.expiring')
        and not exists (select 1 from citizen_notification_settings s
              where s.citizen_id = b.citizen_id and coalesce(s.muted->'request.expiring', '[]'::jsonb) @> '["inbox"]'::jsonb)
      order by r.expires_at limit $3`,
    [q.now, q.hours, q.batch],
  );
  return rows.map((r) => r.id);
}

/** A pending request and the citizen its subjectRef is bound to, locked (`skip locked`), or undefined. */
export async function lockRequestForWarning(tx: Sql, id: string): Promise<{ id: string; serviceId: string; citizenId: string; status: string; createdAt: Date; expiresAt: Date } | undefined> {
  const rows = await tx.query<{ id: string; service_id: string; citizen_id: string; status: string; created_at: Date; expires_at: Date }>(
    `select r.id, r.service_id, b.citizen_id, r.status, r.created_at, r.expires_at from consent_requests r
       join subject_bindings b on b.service_id = r.service_id and b.subject_ref = r.subject_ref
      where r.id = $1 for update of r skip locked`,
    [id],
  );
  const r = rows[0];
  return r && { id: r.id, serviceId: r.service_id, citizenId: r.citizen_id, status: r.status, createdAt: r.created_at, expiresAt: r.expires_at };
}
