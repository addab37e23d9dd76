/**
 * Reads for the export of a citizen's data (GDPR Arts. 15 and 20): what the other
 * repositories page through one item at a time, here in bulk and bounded by the caller.
 */
import type { ReceiptRow, RevisionRow } from './consents-repo.js';
import type { Sql } from './db.js';

/** A session as exported: live, expired or revoked. */
export interface ExportedSessionRow {
  id: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  userAgent: string | null;
}

/** The citizen's sessions of any state, newest first, at most `limit`. */
export async function listAllSessions(sql: Sql, citizenId: string, limit: number): Promise<ExportedSessionRow[]> {
  const rows = await sql.query<{ id: string; created_at: Date; expires_at: Date; revoked_at: Date | null; user_agent: string | null }>(
    'select id, created_at, expires_at, revoked_at, user_agent from sessions where citizen_id = $1 order by id desc limit $2',
    [citizenId, limit],
  );
  return rows.map((r) => ({ id: r.id, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at, userAgent: r.user_agent }));
}

/** Every revision of the given consents, by consent then revision. */
export async function revisionsOf(sql: Sql, consentIds: readonly string[]): Promise<RevisionRow[]> {
  if (consentIds.length === 0) return [];
  return sql.query<RevisionRow>(
    `select consent_id, revision, event, status, terms, terms_hash, predecessor_hash, reason, created_at
     from consent_revisions where consent_id = any($1::uuid[]) order by consent_id, revision`,
    [consentIds],
  );
}

/** Every receipt of the given consents, by consent then revision. */
export async function receiptsOf(sql: Sql, consentIds: readonly string[]): Promise<ReceiptRow[]> {
  if (consentIds.length === 0) return [];
  return sql.query<ReceiptRow>(
    `select id, consent_id, revision, event, jws, kid, receipt_hash, created_at
     from receipts where consent_id = any($1::uuid[]) order by consent_id, revision`,
    [consentIds],
  );
}
