import type { Sql } from './db.js';

/** Audit event types written by the citizen account flows. */
export type CitizenAuditType =
  | 'citizen.signed_up'
  | 'citizen.signed_in'
  | 'citizen.signed_out'
  | 'passkey.added'
  | 'passkey.renamed'
  | 'passkey.removed'
  | 'session.revoked';

/**
 * Appends an audit event whose actor is the citizen. Call it inside the same
 * transaction as the change it records.
 */
export async function recordCitizenEvent(
  sql: Sql,
  e: { id: string; type: CitizenAuditType; citizenId: string; requestId?: string; data?: Record<string, unknown>; at: Date },
): Promise<void> {
  await sql.query(
    `insert into audit_events (id, type, actor_type, actor_id, citizen_id, request_id, data, created_at)
     values ($1, $2, 'citizen', $3, $4, $5, $6::jsonb, $7)`,
    [e.id, e.type, e.citizenId, e.citizenId, e.requestId ?? null, e.data ?? {}, e.at],
  );
}
