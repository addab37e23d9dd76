import type { Sql } from './db.js';

/** A registered passkey (WebAuthn credential record, WebAuthn L3 §4 "credential record"). */
export interface PasskeyRow {
  /** Credential id, base64url. */
  id: string;
  citizenId: string;
  /** COSE_Key bytes. */
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

interface Raw {
  id: string;
  citizen_id: string;
  public_key: Uint8Array;
  counter: bigint | number | string;
  transports: string[];
  device_type: string;
  backed_up: boolean;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
}

const columns = 'id, citizen_id, public_key, counter, transports, device_type, backed_up, name, created_at, last_used_at';

const toRow = (r: Raw): PasskeyRow => ({
  id: r.id,
  citizenId: r.citizen_id,
  publicKey: new Uint8Array(r.public_key),
  counter: Number(r.counter),
  transports: r.transports,
  deviceType: r.device_type === 'multiDevice' ? 'multiDevice' : 'singleDevice',
  backedUp: r.backed_up,
  name: r.name,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

/** Inserts a passkey; a credential id already registered raises a unique violation (DbError). */
export async function insertPasskey(sql: Sql, p: Omit<PasskeyRow, 'lastUsedAt'>): Promise<void> {
  await sql.query(
    `insert into passkeys (id, citizen_id, public_key, counter, transports, device_type, backed_up, name, created_at)
     values ($1, $2, $3, $4, $5::text[], $6, $7, $8, $9)`,
    [p.id, p.citizenId, p.publicKey, p.counter, p.transports, p.deviceType, p.backedUp, p.name, p.createdAt],
  );
}

/** The passkey with credential id `id`, whoever owns it. */
export async function findPasskey(sql: Sql, id: string): Promise<PasskeyRow | undefined> {
  const rows = await sql.query<Raw>(`select ${columns} from passkeys where id = $1`, [id]);
  return rows[0] ? toRow(rows[0]) : undefined;
}

/** The citizen's passkeys, oldest first. */
export async function listPasskeys(sql: Sql, citizenId: string): Promise<PasskeyRow[]> {
  const rows = await sql.query<Raw>(`select ${columns} from passkeys where citizen_id = $1 order by created_at, id`, [citizenId]);
  return rows.map(toRow);
}

/** Renames the citizen's passkey; undefined when it is not theirs or does not exist. */
export async function renamePasskey(sql: Sql, citizenId: string, id: string, name: string): Promise<PasskeyRow | undefined> {
  const rows = await sql.query<Raw>(`update passkeys set name = $3 where id = $1 and citizen_id = $2 returning ${columns}`, [
    id,
    citizenId,
    name,
  ]);
  return rows[0] ? toRow(rows[0]) : undefined;
}

/**
 * Deletes the citizen's passkey unless it is their last one. Call inside a transaction that
 * holds the citizen's row lock (see `lockCitizen`), so two concurrent removals cannot both
 * pass the count.
 */
export async function deletePasskey(tx: Sql, citizenId: string, id: string): Promise<'deleted' | 'not_found' | 'last'> {
  const rows = await tx.query<{ mine: boolean; total: bigint | number }>(
    'select bool_or(id = $2) as mine, count(*) as total from passkeys where citizen_id = $1',
    [citizenId, id],
  );
  const r = rows[0];
  if (!r || !r.mine) return 'not_found';
  if (Number(r.total) <= 1) return 'last';
  await tx.query('delete from passkeys where id = $1 and citizen_id = $2', [id, citizenId]);
  return 'deleted';
}

/**
 * Records a successful assertion: the new signature counter, backup state and time of use.
 * Compare-and-set on the previous counter, so two concurrent assertions that both read the
 * same stored counter cannot both succeed (WebAuthn L3 §7.2 step 21). Returns false if the
 * stored counter moved meanwhile.
 */
export async function recordPasskeyUse(
  sql: Sql,
  id: string,
  u: { previousCounter: number; newCounter: number; backedUp: boolean; usedAt: Date },
): Promise<boolean> {
  const rows = await sql.query(
    `update passkeys set counter = $3, backed_up = $4, last_used_at = $5
     where id = $1 and counter = $2 returning id`,
    [id, u.previousCounter, u.newCounter, u.backedUp, u.usedAt],
  );
  return rows.length > 0;
}
