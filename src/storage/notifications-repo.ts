/** Citizens' notifications: the inbox rows, idempotent by (citizen, dedupe key). */
import type { NotificationType } from '../domain/notifications.js';
import type { Sql } from './db.js';

/** A notification as stored. */
export interface NotificationRow {
  id: string;
  citizenId: string;
  type: NotificationType;
  dedupeKey: string;
  consentId: string | null;
  requestId: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
  readAt: Date | null;
}

interface Raw {
  id: string;
  citizen_id: string;
  type: NotificationType;
  dedupe_key: string;
  consent_id: string | null;
  request_id: string | null;
  data: Record<string, unknown>;
  created_at: Date;
  read_at: Date | null;
}

const COLS = 'id, citizen_id, type, dedupe_key, consent_id, request_id, data, created_at, read_at';

const toRow = (r: Raw): NotificationRow => ({
  id: r.id,
  citizenId: r.citizen_id,
  type: r.type,
  dedupeKey: r.dedupe_key,
  consentId: r.consent_id,
  requestId: r.request_id,
  data: r.data,
  createdAt: r.created_at,
  readAt: r.read_at,
});

/**
 * Inserts a notification unless the citizen already has one with its dedupe key (a
 * concurrent insert of the same key waits for the other transaction, then does nothing).
 * Returns true when this call created it.
 */
export async function insertNotification(sql: Sql, n: Omit<NotificationRow, 'readAt'>): Promise<boolean> {
  const rows = await sql.query(
    `insert into citizen_notifications (id, citizen_id, type, dedupe_key, consent_id, request_id, data, created_at)
     values ($1,$2,$3,$4,$5,$6,$7::jsonb,$8)
     on conflict (citizen_id, dedupe_key) do nothing returning id`,
    [n.id, n.citizenId, n.type, n.dedupeKey, n.consentId, n.requestId, n.data, n.createdAt],
  );
  return rows.length === 1;
}

/** A page of the citizen's notifications, newest first, optionally unread only, before the id `before`. */
export async function listNotifications(
  sql: Sql,
  f: { citizenId: string; unreadOnly?: boolean | undefined; before?: string | undefined; limit: number },
): Promise<NotificationRow[]> {
  const rows = await sql.query<Raw>(
    `select ${COLS} from citizen_notifications
      where citizen_id = $1 and ($2::boolean is not true or read_at is null) and ($3::uuid is null or id < $3::uuid)
      order by id desc limit $4`,
    [f.citizenId, f.unreadOnly ?? false, f.before ?? null, f.limit],
  );
  return rows.map(toRow);
}

/** One notification by id (any citizen's: for the delivery job). */
export async function findNotification(sql: Sql, id: string): Promise<NotificationRow | undefined> {
  const rows = await sql.query<Raw>(`select ${COLS} from citizen_notifications where id = $1`, [id]);
  return rows[0] && toRow(rows[0]);
}

/** How many of the citizen's notifications are unread. */
export async function countUnread(sql: Sql, citizenId: string): Promise<number> {
  const rows = await sql.query<{ n: number }>('select count(*)::int as n from citizen_notifications where citizen_id = $1 and read_at is null', [citizenId]);
  return Number(rows[0]?.n ?? 0);
}

/** Marks one of the citizen's notifications read (kept read if it already was); false when it is not theirs. */
export async function markRead(sql: Sql, citizenId: string, id: string, at: Date): Promise<boolean> {
  const rows = await sql.query(
    'update citizen_notifications set read_at = coalesce(read_at, $3) where id = $1 and citizen_id = $2 returning id',
    [id, citizenId, at],
  );
  return rows.length === 1;
}

/** Marks every unread notification of the citizen read; returns how many. */
export async function markAllRead(sql: Sql, citizenId: string, at: Date): Promise<number> {
  const rows = await sql.query('update citizen_notifications set read_at = $2 where citizen_id = $1 and read_at is null returning id', [citizenId, at]);
  return rows.length;
}

/** Marks the unread notifications of `types` about a consent read; returns how many. */
export async function markConsentNotificationsRead(sql: Sql, consentId: string, types: readonly NotificationType[], at: Date): Promise<number> {
  const rows = await sql.query(
    'update citizen_notifications set read_at = $3 where consent_id = $1 and type = any($2::text[]) and read_at is null returning id',
    [consentId, types, at],
  );
  return rows.length;
}

/** Marks the unread notifications about a request read; returns how many. */
export async function markRequestNotificationsRead(sql: Sql, requestId: string, at: Date): Promise<number> {
  const rows = await sql.query('update citizen_notifications set read_at = $2 where request_id = $1 and read_at is null returning id', [requestId, at]);
  return rows.length;
}

/**
 * Deletes everything the notifications hold about the citizen (account erasure, GDPR
 * Art. 17): the mail outbox and its log, the notifications, the settings and the address.
 */
export async function deleteNotificationData(tx: Sql, citizenId: string): Promise<void> {
  await tx.query('delete from notification_mail where citizen_id = $1', [citizenId]);
  await tx.query('delete from citizen_notifications where citizen_id = $1', [citizenId]);
  await tx.query('delete from citizen_notification_settings where citizen_id = $1', [citizenId]);
  await tx.query('delete from citizen_email_addresses where citizen_id = $1', [citizenId]);
}

/** True when the citizen asked to be erased (or was): nothing more is sent to them. */
export async function isErasing(sql: Sql, citizenId: string): Promise<boolean> {
  const rows = await sql.query<{ erasing: boolean }>(
    'select (erased_at is not null or erasure_requested_at is not null) as erasing from citizens where id = $1',
    [citizenId],
  );
  return rows[0]?.erasing ?? true;
}
