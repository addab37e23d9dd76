/**
 * The mail outbox and its delivery log. Mails are claimed with a lease in one statement
 * (`for update skip locked`, so replicas never claim the same mail), sent outside any
 * transaction, and the outcome recorded afterwards (the pattern of webhook-deliveries-repo.ts).
 */
import type { Db, Sql } from './db.js';

/** What a mail carries: an address confirmation, or one notification. */
export type MailKind = 'confirmation' | 'notification';

/** Delivery status of a mail. */
export type MailStatus = 'pending' | 'sent' | 'skipped' | 'dead';

/** Outcome of one attempt. */
export type MailOutcome = 'sent' | 'retrying' | 'dead' | 'skipped';

/** A mail in the outbox. */
export interface MailRow {
  id: string;
  citizenId: string;
  addressId: string;
  kind: MailKind;
  notificationId: string | null;
  eventType: string;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastError: string | null;
  sentAt: Date | null;
  createdAt: Date;
}

interface Raw {
  id: string;
  citizen_id: string;
  address_id: string;
  kind: MailKind;
  notification_id: string | null;
  event_type: string;
  status: MailStatus;
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  last_error: string | null;
  sent_at: Date | null;
  created_at: Date;
}

const COLS = 'id, citizen_id, address_id, kind, notification_id, event_type, status, attempts, next_attempt_at, last_attempt_at, last_error, sent_at, created_at';

const toRow = (r: Raw): MailRow => ({
  id: r.id,
  citizenId: r.citizen_id,
  addressId: r.address_id,
  kind: r.kind,
  notificationId: r.notification_id,
  eventType: r.event_type,
  status: r.status,
  attempts: Number(r.attempts),
  nextAttemptAt: r.next_attempt_at,
  lastAttemptAt: r.last_attempt_at,
  lastError: r.last_error,
  sentAt: r.sent_at,
  createdAt: r.created_at,
});

/** Queues a mail in the caller's transaction, due at `createdAt`. A notification is mailed at most once. */
export async function enqueueMail(
  sql: Sql,
  m: { id: string; citizenId: string; addressId: string; kind: MailKind; notificationId: string | null; eventType: string; createdAt: Date },
): Promise<void> {
  await sql.query(
    `insert into notification_mail (id, citizen_id, address_id, kind, notification_id, event_type, created_at, next_attempt_at)
     values ($1,$2,$3,$4,$5,$6,$7,$7) on conflict (notification_id) do nothing`,
    [m.id, m.citizenId, m.addressId, m.kind, m.notificationId, m.eventType, m.createdAt],
  );
}

/**
 * Claims up to `batch` due mails: each gets `leaseId` and its `next_attempt_at` moves to
 * `leaseUntil`, so if this process dies the mail falls due again then. Locked rows are skipped.
 */
export async function claimDueMail(db: Db, opts: { now: Date; leaseUntil: Date; leaseId: string; batch: number }): Promise<MailRow[]> {
  const rows = await db.query<Raw>(
    `with due as (
       select id from notification_mail where status = 'pending' and next_attempt_at <= $1
        order by next_attempt_at limit $2 for update skip locked)
     update notification_mail m set next_attempt_at = $3, lease_id = $4 from due where m.id = due.id
     returning ${COLS.split(', ').map((c) => `m.${c}`).join(', ')}`,
    [opts.now, opts.batch, opts.leaseUntil, opts.leaseId],
  );
  return rows.map(toRow);
}

/** One attempt to record. */
export interface MailAttempt {
  id: string;
  mailId: string;
  attempt: number;
  attemptedAt: Date;
  durationMs: number;
  outcome: MailOutcome;
  error: string | null;
  /** When the next attempt is due (outcome `retrying`). */
  nextAttemptAt: Date | null;
}

/**
 * Appends the attempt to the log and, while this claimer holds the lease, moves the mail to
 * its new state. Returns false when the lease was lost (an admin re-queued it meanwhile).
 */
export async function recordMailAttempt(db: Db, leaseId: string, a: MailAttempt): Promise<boolean> {
  return db.transaction(async (tx) => {
    const status: MailStatus = a.outcome === 'retrying' ? 'pending' : a.outcome;
    const updated = await tx.query(
      `update notification_mail
          set attempts = $3, last_attempt_at = $4, lease_id = null, status = $5::text, last_error = $6,
              sent_at = case when $5::text = 'sent' then $4 else sent_at end,
              next_attempt_at = coalesce($7, next_attempt_at)
        where id = $1 and lease_id = $2 returning id`,
      [a.mailId, leaseId, a.attempt, a.attemptedAt, status, a.error, a.nextAttemptAt],
    );
    if (updated.length === 0) return false;
    await tx.query(
      `insert into notification_mail_attempts (id, mail_id, attempt, attempted_at, duration_ms, outcome, error) values ($1,$2,$3,$4,$5,$6,$7)`,
      [a.id, a.mailId, a.attempt, a.attemptedAt, a.durationMs, a.outcome, a.error],
    );
    return true;
  });
}

/** A page of the outbox for operators, newest first, optionally of one status. */
export async function listMail(sql: Sql, f: { status?: MailStatus | undefined; before?: string | undefined; limit: number }): Promise<MailRow[]> {
  const rows = await sql.query<Raw>(
    `select ${COLS} from notification_mail where ($1::text is null or status = $1::text) and ($2::uuid is null or id < $2::uuid) order by id desc limit $3`,
    [f.status ?? null, f.before ?? null, f.limit],
  );
  return rows.map(toRow);
}

/** One mail by id. */
export async function findMail(sql: Sql, id: string): Promise<MailRow | undefined> {
  const rows = await sql.query<Raw>(`select ${COLS} from notification_mail where id = $1`, [id]);
  return rows[0] && toRow(rows[0]);
}

/** How many mails are in each status (the outbox's gauges). */
export async function mailCounts(sql: Sql): Promise<Record<MailStatus, number>> {
  const rows = await sql.query<{ status: MailStatus; n: number }>('select status, count(*)::int as n from notification_mail group by status');
  const out: Record<MailStatus, number> = { pending: 0, sent: 0, skipped: 0, dead: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}

/** The attempts of one mail, oldest first. */
export async function listMailAttempts(sql: Sql, mailId: string): Promise<Omit<MailAttempt, 'nextAttemptAt'>[]> {
  const rows = await sql.query<{ id: string; mail_id: string; attempt: number; attempted_at: Date; duration_ms: number; outcome: MailOutcome; error: string | null }>(
    'select id, mail_id, attempt, attempted_at, duration_ms, outcome, error from notification_mail_attempts where mail_id = $1 order by id',
    [mailId],
  );
  return rows.map((r) => ({ id: r.id, mailId: r.mail_id, attempt: Number(r.attempt), attemptedAt: r.attempted_at, durationMs: Number(r.duration_ms), outcome: r.outcome, error: r.error }));
}

/** Puts a dead (or skipped) mail back in the queue, due at `now`, attempts from 1 again; false when there is no such mail or it is pending or sent. */
export async function requeueMail(sql: Sql, id: string, now: Date): Promise<boolean> {
  const rows = await sql.query(
    `update notification_mail set status = 'pending', attempts = 0, next_attempt_at = $2, lease_id = null
      where id = $1 and status in ('dead', 'skipped') returning id`,
    [id, now],
  );
  return rows.length === 1;
}

/** How many confirmation mails the citizen caused since `since` (to throttle them). */
export async function countConfirmationsSince(sql: Sql, citizenId: string, since: Date): Promise<number> {
  const rows = await sql.query<{ n: number }>(
    `select count(*)::int as n from notification_mail where citizen_id = $1 and kind = 'confirmation' and created_at > $2`,
    [citizenId, since],
  );
  return Number(rows[0]?.n ?? 0);
}
