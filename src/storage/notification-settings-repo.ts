/** A citizen's notification settings (language, muted channels) and e-mail address rows. */
import type { MutedChannels } from '../domain/notifications.js';
import type { Sql } from './db.js';

/** Languages notifications are written in. */
export type NotificationLanguage = 'ca' | 'es' | 'en';

/** A citizen's stored settings. */
export interface NotificationSettingsRow {
  language: NotificationLanguage;
  muted: MutedChannels;
  updatedAt: Date;
}

/** The citizen's settings, if they ever saved any. */
export async function findSettings(sql: Sql, citizenId: string): Promise<NotificationSettingsRow | undefined> {
  const rows = await sql.query<{ language: NotificationLanguage; muted: MutedChannels; updated_at: Date }>(
    'select language, muted, updated_at from citizen_notification_settings where citizen_id = $1',
    [citizenId],
  );
  const r = rows[0];
  return r && { language: r.language, muted: r.muted, updatedAt: r.updated_at };
}

/** Stores the citizen's settings; omitted fields keep their value (or the defaults: Catalan, nothing muted). */
export async function saveSettings(sql: Sql, citizenId: string, s: { language?: NotificationLanguage | undefined; muted?: MutedChannels | undefined }, at: Date): Promise<void> {
  await sql.query(
    `insert into citizen_notification_settings (citizen_id, language, muted, updated_at) values ($1, coalesce($2, 'ca'), coalesce($3::jsonb, '{}'::jsonb), $4)
     on conflict (citizen_id) do update set language = coalesce($2, citizen_notification_settings.language),
       muted = coalesce($3::jsonb, citizen_notification_settings.muted), updated_at = $4`,
    [citizenId, s.language ?? null, s.muted ?? null, at],
  );
}

/** An e-mail address row (the address itself encrypted). */
export interface EmailAddressRow {
  id: string;
  citizenId: string;
  addressJwe: string;
  status: 'unconfirmed' | 'confirmed';
  createdAt: Date;
  confirmedAt: Date | null;
}

interface AddressRaw {
  id: string;
  citizen_id: string;
  address_jwe: string;
  status: 'unconfirmed' | 'confirmed';
  created_at: Date;
  confirmed_at: Date | null;
}

const toAddress = (r: AddressRaw): EmailAddressRow => ({
  id: r.id,
  citizenId: r.citizen_id,
  addressJwe: r.address_jwe,
  status: r.status,
  createdAt: r.created_at,
  confirmedAt: r.confirmed_at,
});

const ADDRESS_COLS = 'id, citizen_id, address_jwe, status, created_at, confirmed_at';

/** The citizen's address row, if any (locked for update when `lock`). */
export async function findAddress(sql: Sql, citizenId: string, lock = false): Promise<EmailAddressRow | undefined> {
  const rows = await sql.query<AddressRaw>(`select ${ADDRESS_COLS} from citizen_email_addresses where citizen_id = $1${lock ? ' for update' : ''}`, [citizenId]);
  return rows[0] && toAddress(rows[0]);
}

/** An address row by its id (locked for update when `lock`). */
export async function findAddressById(sql: Sql, id: string, lock = false): Promise<EmailAddressRow | undefined> {
  const rows = await sql.query<AddressRaw>(`select ${ADDRESS_COLS} from citizen_email_addresses where id = $1${lock ? ' for update' : ''}`, [id]);
  return rows[0] && toAddress(rows[0]);
}

/** Replaces the citizen's address with a new unconfirmed row. */
export async function replaceAddress(tx: Sql, row: Omit<EmailAddressRow, 'status' | 'confirmedAt'>): Promise<void> {
  await tx.query('delete from citizen_email_addresses where citizen_id = $1', [row.citizenId]);
  await tx.query(
    `insert into citizen_email_addresses (id, citizen_id, address_jwe, status, created_at) values ($1,$2,$3,'unconfirmed',$4)`,
    [row.id, row.citizenId, row.addressJwe, row.createdAt],
  );
}

/** Confirms the address row `id` if it is unconfirmed; true when this call confirmed it. */
export async function confirmAddress(sql: Sql, id: string, at: Date): Promise<boolean> {
  const rows = await sql.query(`update citizen_email_addresses set status = 'confirmed', confirmed_at = $2 where id = $1 and status = 'unconfirmed' returning id`, [id, at]);
  return rows.length === 1;
}

/** Deletes the address row `id`; returns its citizen when it existed. */
export async function deleteAddressById(sql: Sql, id: string): Promise<string | undefined> {
  const rows = await sql.query<{ citizen_id: string }>('delete from citizen_email_addresses where id = $1 returning citizen_id', [id]);
  return rows[0]?.citizen_id;
}
