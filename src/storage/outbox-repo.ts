import type { Sql } from './db.js';

/** A webhook to deliver later (transactional outbox). */
export interface OutboxMessage {
  id: string;
  serviceId: string;
  eventType: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/** Queues a webhook in the caller's transaction, due immediately. */
export async function enqueueWebhook(sql: Sql, m: OutboxMessage): Promise<void> {
  await sql.query(
    `insert into webhook_outbox (id, service_id, event_type, payload, created_at, next_attempt_at) values ($1,$2,$3,$4::jsonb,$5,$5)`,
    [m.id, m.serviceId, m.eventType, m.payload, m.createdAt],
  );
}
