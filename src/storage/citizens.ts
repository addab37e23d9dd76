import type { Sql } from './db.js';

/** A citizen account as stored. */
export interface CitizenRow {
  id: string;
  /** The WebAuthn user handle (base64url), random and unrelated to `id`. */
  webauthnUserId: string;
  displayName: string;
  createdAt: Date;
  erasedAt: Date | null;
}

interface Raw {
  id: string;
  webauthn_user_id: string;
  display_name: string;
  created_at: Date;
  erased_at: Date | null;
}

const toRow = (r: Raw): CitizenRow => ({
  id: r.id,
  webauthnUserId: r.webauthn_user_id,
  displayName: r.display_name,
  createdAt: r.created_at,
  erasedAt: r.erased_at,
});

/** Inserts a new citizen. */
export async function insertCitizen(sql: Sql, c: Omit<CitizenRow, 'erasedAt'>): Promise<void> {
  await sql.query('insert into citizens (id, webauthn_user_id, display_name, created_at) values ($1, $2, $3, $4)', [
    c.id,
    c.webauthnUserId,
    c.displayName,
    c.createdAt,
  ]);
}

/** The citizen with `id`, erased or not; undefined when there is none. */
export async function findCitizen(sql: Sql, id: string): Promise<CitizenRow | undefined> {
  const rows = await sql.query<Raw>(
    'select id, webauthn_user_id, display_name, created_at, erased_at from citizens where id = $1',
    [id],
  );
  return rows[0] ? toRow(rows[0]) : undefined;
}

/**
 * Locks the citizen's row until the transaction ends (`for update`), so concurrent changes
 * to the same account (e.g. removing two passkeys at once) are serialised. Returns false
 * when the citizen does not exist.
 */
export async function lockCitizen(tx: Sql, id: string): Promise<boolean> {
  const rows = await tx.query('select id from citizens where id = $1 for update', [id]);
  return rows.length > 0;
}
