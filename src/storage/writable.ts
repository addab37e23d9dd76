import type { Sql } from './db.js';

/** One round trip: whether the server reached accepts writes (a primary, not read-only). */
export async function serverAcceptsWrites(sql: Sql): Promise<boolean> {
  const [r] = await sql.query<{ ok: boolean }>("select not pg_is_in_recovery() and current_setting('transaction_read_only') = 'off' as ok");
  return r?.ok === true;
}
