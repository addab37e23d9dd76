/**
 * The replay cache of client assertions (`client_assertion_jtis`, migration 0003):
 * RFC 7523 §3 item 7 lets the authorization server make a `jti` single-use; we keep each
 * one until its assertion can no longer be accepted.
 */
import type { Sql } from './db.js';

/**
 * Records that `clientId` used `jti`, valid until `expiresAt`. Returns true the first time;
 * false while an earlier use of the same jti has not expired (a replay). An expired entry is
 * overwritten, so a jti may be reused once its assertion could no longer be replayed.
 * Atomic on both engines: concurrent uses of one jti cannot both get true.
 */
export async function consumeAssertionJti(sql: Sql, clientId: string, jti: string, expiresAt: Date, now: Date): Promise<boolean> {
  const rows = await sql.query<{ jti: string }>(
    `insert into client_assertion_jtis (client_id, jti, expires_at) values ($1, $2, $3)
     on conflict (client_id, jti) do update set expires_at = excluded.expires_at
       where client_assertion_jtis.expires_at <= $4
     returning jti`,
    [clientId, jti, expiresAt, now],
  );
  return rows.length === 1;
}

/** Deletes expired entries of `clientId` (cheap: the primary key's prefix), or of everyone when undefined. */
export async function purgeExpiredJtis(sql: Sql, now: Date, clientId?: string): Promise<void> {
  if (clientId === undefined) {
    await sql.query('delete from client_assertion_jtis where expires_at <= $1', [now]);
  } else {
    await sql.query('delete from client_assertion_jtis where client_id = $1 and expires_at <= $2', [clientId, now]);
  }
}
