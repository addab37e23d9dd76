import type { Sql } from './db.js';

/** One audit event: who did what, to which consent, when. */
export interface AuditEvent {
  id: string;
  type: string;
  actorType: 'citizen' | 'service' | 'admin' | 'officer' | 'system';
  actorId?: string | null | undefined;
  citizenId?: string | null | undefined;
  serviceId?: string | null | undefined;
  consentId?: string | null | undefined;
  requestId?: string | null | undefined;
  data?: Record<string, unknown> | undefined;
  createdAt: Date;
}

/** Appends an audit event; callers pass their transaction so it commits with the change it records. */
export async function insertAuditEvent(sql: Sql, e: AuditEvent): Promise<void> {
  await sql.query(
    `insert into audit_events (id, type, actor_type, actor_id, citizen_id, service_id, consent_id, request_id, data, created_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9::jsonb,$10)`,
    [e.id, e.type, e.actorType, e.actorId ?? null, e.citizenId ?? null, e.serviceId ?? null, e.consentId ?? null, e.requestId ?? null, e.data ?? {}, e.createdAt],
  );
}
