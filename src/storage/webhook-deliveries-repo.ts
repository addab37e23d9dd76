/**
 * Delivery state of outbox messages and the delivery log. Messages are claimed
 * with a lease in a short transaction (`for update skip locked`, so replicas never claim the
 * same message), delivered outside any transaction, and the outcome recorded afterwards.
 */
import type { Db, Sql } from './db.js';

/** Outcome of one attempt: `retrying` means another attempt is scheduled, `failed` that delivery gave up. */
export type AttemptOutcome = 'delivered' | 'retrying' | 'failed';

/** Delivery status of an outbox message. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'no_endpoint';

/** A message claimed for delivery, with the endpoint it goes to. */
export interface ClaimedMessage {
  id: string;
  serviceId: string;
  eventType: string;
  payload: Record<string, unknown>;
  /** Attempts already made in this delivery round. */
  attempts: number;
  url: string;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
}

/** One logged delivery attempt. */
export interface DeliveryAttempt {
  id: string;
  messageId: string;
  serviceId: string;
  eventType: string;
  attempt: number;
  url: string;
  attemptedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  outcome: AttemptOutcome;
  nextAttemptAt: Date | null;
}

/**
 * Marks due messages of services without a webhook endpoint as `no_endpoint` (at most
 * `batch`): they are never sent, the events feed is their channel. Returns how many.
 */
export async function markUnroutable(db: Db, now: Date, batch: number): Promise<number> {
  const rows = await db.query(
    `update webhook_outbox set delivery_status = 'no_endpoint'
      where id in (
        select o.id from webhook_outbox o
         where o.delivery_status = 'pending' and o.next_attempt_at <= $1
           and not exists (select 1 from webhook_endpoints e where e.service_id = o.service_id)
         order by o.next_attempt_at limit $2
         for update skip locked)
      returning id`,
    [now, batch],
  );
  return rows.length;
}

interface ClaimRaw {
  id: string;
  service_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  attempts: number;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
}

/**
 * Claims up to `batch` due messages of services with an endpoint: each gets `leaseId`, and
 * its `next_attempt_at` moves to `leaseUntil`, so if this process dies the message falls due
 * again then. Locked rows are skipped, so concurrent claimers never share a message.
 */
export async function claimDueMessages(
  db: Db,
  opts: { now: Date; leaseUntil: Date; leaseId: string; batch: number },
): Promise<ClaimedMessage[]> {
  const rows = await db.query<ClaimRaw>(
    `with due as (
       select o.id from webhook_outbox o
        where o.delivery_status = 'pending' and o.next_attempt_at <= $1
          and exists (select 1 from webhook_endpoints e where e.service_id = o.service_id)
        order by o.next_attempt_at limit $2
        for update skip locked)
     update webhook_outbox o set next_attempt_at = $3, lease_id = $4
       from due, webhook_endpoints e
      where o.id = due.id and e.service_id = o.service_id
     returning o.id, o.service_id, o.event_type, o.payload, o.attempts, e.url, e.secret, e.previous_secret, e.previous_secret_expires_at`,
    [opts.now, opts.batch, opts.leaseUntil, opts.leaseId],
  );
  return rows.map((r) => ({
    id: r.id,
    serviceId: r.service_id,
    eventType: r.event_type,
    payload: r.payload,
    attempts: Number(r.attempts),
    url: r.url,
    secret: r.secret,
    previousSecret: r.previous_secret,
    previousSecretExpiresAt: r.previous_secret_expires_at,
  }));
}

/**
 * Records an attempt: appends it to the delivery log and, if this claimer still holds the
 * lease, moves the message to its new state (delivered, retry at `nextAttemptAt`, or failed).
 * Returns false when the lease was lost (e.g. a manual redelivery re-queued the message).
 */
export async function recordAttempt(db: Db, leaseId: string, a: DeliveryAttempt): Promise<boolean> {
  return db.transaction(async (tx) => {
    const status: DeliveryStatus = a.outcome === 'retrying' ? 'pending' : a.outcome;
    const updated = await tx.query(
      `update webhook_outbox
          set attempts = $3, last_attempt_at = $4, lease_id = null, delivery_status = $5::text,
              delivered_at = case when $5::text = 'delivered' then $4 else delivered_at end,
              next_attempt_at = coalesce($6, next_attempt_at)
        where id = $1 and lease_id = $2
        returning id`,
      [a.messageId, leaseId, a.attempt, a.attemptedAt, status, a.nextAttemptAt],
    );
    await tx.query(
      `insert into webhook_deliveries (id, message_id, service_id, event_type, attempt, url, attempted_at, duration_ms, status_code, error, outcome, next_attempt_at)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
      [a.id, a.messageId, a.serviceId, a.eventType, a.attempt, a.url, a.attemptedAt, a.durationMs, a.statusCode, a.error, a.outcome, a.nextAttemptAt],
    );
    return updated.length > 0;
  });
}

interface AttemptRaw {
  id: string;
  message_id: string;
  service_id: string;
  event_type: string;
  attempt: number;
  url: string;
  attempted_at: Date;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  outcome: AttemptOutcome;
  next_attempt_at: Date | null;
}

/** The delivery log of `serviceId`, newest first, optionally of one message, before the attempt id `before`. */
export async function listDeliveries(
  sql: Sql,
  opts: { serviceId: string; messageId?: string | undefined; before?: string | undefined; limit: number },
): Promise<DeliveryAttempt[]> {
  const rows = await sql.query<AttemptRaw>(
    `select id, message_id, service_id, event_type, attempt, url, attempted_at, duration_ms, status_code, error, outcome, next_attempt_at
       from webhook_deliveries
      where service_id = $1 and ($2::uuid is null or message_id = $2::uuid) and ($3::uuid is null or id < $3::uuid)
      order by id desc limit $4`,
    [opts.serviceId, opts.messageId ?? null, opts.before ?? null, opts.limit],
  );
  return rows.map((r) => ({
    id: r.id,
    messageId: r.message_id,
    serviceId: r.service_id,
    eventType: r.event_type,
    attempt: Number(r.attempt),
    url: r.url,
    attemptedAt: r.attempted_at,
    durationMs: Number(r.duration_ms),
    statusCode: r.status_code === null ? null : Number(r.status_code),
    error: r.error,
    outcome: r.outcome,
    nextAttemptAt: r.next_attempt_at,
  }));
}

/**
 * Queues message `messageId` of `serviceId` for a new delivery round due at `now` (attempts
 * start again from 1, whatever its status was). Returns false when the service has no such message.
 */
export async function requeueMessage(sql: Sql, opts: { serviceId: string; messageId: string; now: Date }): Promise<boolean> {
  const rows = await sql.query(
    `update webhook_outbox set delivery_status = 'pending', attempts = 0, next_attempt_at = $3, lease_id = null
      where id = $1 and service_id = $2 returning id`,
    [opts.messageId, opts.serviceId, opts.now],
  );
  return rows.length > 0;
}

/** The delivery state of one message of `serviceId`, or undefined. */
export async function getMessageState(
  sql: Sql,
  serviceId: string,
  messageId: string,
): Promise<{ status: DeliveryStatus; attempts: number; nextAttemptAt: Date; deliveredAt: Date | null } | undefined> {
  const rows = await sql.query<{ delivery_status: DeliveryStatus; attempts: number; next_attempt_at: Date; delivered_at: Date | null }>(
    `select delivery_status, attempts, next_attempt_at, delivered_at from webhook_outbox where id = $1 and service_id = $2`,
    [messageId, serviceId],
  );
  const r = rows[0];
  return r && { status: r.delivery_status, attempts: Number(r.attempts), nextAttemptAt: r.next_attempt_at, deliveredAt: r.delivered_at };
}
