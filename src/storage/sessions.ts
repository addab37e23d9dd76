import type { Sql } from './db.js';

/** A citizen session as stored: only the token's hash, never the token. */
export interface SessionRow {
  id: string;
  citizenId: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  userAgent: string | null;
}

interface Raw {
  id: string;
  citizen_id: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  user_agent: string | null;
}

const toRow = (r: Raw): SessionRow => ({
  id: r.id,
  citizenId: r.citizen_id,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  userAgent: r.user_agent,
});

/** Inserts a session under the SHA-256 hash of its token. */
export async function insertSession(sql: Sql, s: Omit<SessionRow, 'revokedAt'> & { tokenHash: string }): Promise<void> {
  await sql.query(
    `insert into sessions (id, token_hash, citizen_id, created_at, expires_at, user_agent)
     values ($1, $2, $3, $4, $5, $6)`,
    [s.id, s.tokenHash, s.citizenId, s.createdAt, s.expiresAt, s.userAgent],
  );
}

/**
 * The live session whose token hashes to `tokenHash`: not revoked, not expired at `now`,
 * and its citizen not erased. Undefined otherwise.
 */
export async function findLiveSession(sql: Sql, tokenHash: string, now: Date): Promise<{ sessionId: string; citizenId: string } | undefined> {
  const rows = await sql.query<{ id: string; citizen_id: string }>(
    `select s.id, s.citizen_id from sessions s join citizens c on c.id = s.citizen_id
     where s.token_hash = $1 and s.revoked_at is null and s.expires_at > $2 and c.erased_at is null`,
    [tokenHash, now],
  );
  const r = rows[0];
  return r ? { sessionId: r.id, citizenId: r.citizen_id } : undefined;
}

/** The citizen's live sessions, newest first, `limit` of them after the cursor id `before`. */
export async function listLiveSessions(
  sql: Sql,
  citizenId: string,
  now: Date,
  page: { limit: number; before?: string },
): Promise<SessionRow[]> {
  const rows = await sql.query<Raw>(
    `select id, citizen_id, created_at, expires_at, revoked_at, user_agent from sessions
     where citizen_id = $1 and revoked_at is null and expires_at > $2 and ($3::uuid is null or id < $3::uuid)
     order by id desc limit $4`,
    [citizenId, now, page.before ?? null, page.limit],
  );
  return rows.map(toRow);
}

/** Revokes the citizen's live session `id` at `now`; false if there is no such live session of theirs. */
export async function revokeSession(sql: Sql, citizenId: string, id: string, now: Date): Promise<boolean> {
  const rows = await sql.query(
    `update sessions set revoked_at = $3
     where id = $1 and citizen_id = $2 and revoked_at is null and expires_at > $3 returning id`,
    [id, citizenId, now],
  );
  return rows.length > 0;
}
