import { ConflictError, NotFoundError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import type { AppDeps } from '../core/deps.js';
import { insertAuditEvent } from '../storage/audit-repo.js';
import type { Sql } from '../storage/db.js';
import { enqueueWebhook } from '../storage/outbox-repo.js';
import { decideRequest, findBinding, findRequest, type RequestRow } from '../storage/requests-repo.js';
import type { Actor } from './record-transition.js';
import { settleRequestNotifications } from '../notifications/notify-events.js';

/** A request's status as readers must see it: pending past its expiry is expired. */
export function effectiveRequestStatus(r: RequestRow, now: Date): RequestRow['status'] {
  return r.status === 'pending' && r.expires_at.getTime() <= now.getTime() ? 'expired' : r.status;
}

/**
 * A request the citizen may see: still open to anyone holding its link unless its subjectRef
 * is bound to another citizen, or one this citizen decided. Anything else is "not found".
 */
export async function citizenRequest(tx: Sql, citizenId: string, id: string, lock = false): Promise<RequestRow> {
  const r = await findRequest(tx, id, lock);
  if (!r) throw new NotFoundError('request');
  if (r.citizen_id && r.citizen_id !== citizenId) throw new NotFoundError('request');
  const bound = await findBinding(tx, r.service_id, r.subject_ref);
  if (bound && bound !== citizenId) throw new NotFoundError('request');
  return r;
}

/** Throws unless the (locked) request can still be decided now. */
export function assertPending(r: RequestRow, now: Date): void {
  const s = effectiveRequestStatus(r, now);
  if (s === 'expired') throw new ConflictError('request_expired', 'This request has expired; ask the service for a new one.');
  if (s !== 'pending') throw new ConflictError('request_not_pending', `This request is ${s}.`, { status: s });
}

/** Writes the audit event and (for citizen-visible outcomes) the webhook of a request decision. */
export async function recordRequestOutcome(
  tx: Sql,
  deps: AppDeps,
  r: RequestRow,
  o: { status: 'approved' | 'rejected' | 'expired' | 'cancelled'; actor: Actor; citizenId?: string | null; consentId?: string | null; httpRequestId?: string | undefined },
): Promise<void> {
  const now = deps.clock.now();
  await insertAuditEvent(tx, {
    id: uuidv7(deps.clock, deps.random),
    type: `request.${o.status}`,
    actorType: o.actor.type,
    actorId: o.actor.id,
    citizenId: o.citizenId ?? null,
    serviceId: r.service_id,
    consentId: o.consentId ?? null,
    requestId: o.httpRequestId,
    data: { consentRequestId: r.id, subjectRef: r.subject_ref },
    createdAt: now,
  });
  await settleRequestNotifications(tx, r.id, now);
  // request.approved, request.rejected and request.expired reach the service; a cancellation is its own act.
  if (o.status === 'cancelled') return;
  await enqueueWebhook(tx, {
    id: uuidv7(deps.clock, deps.random),
    serviceId: r.service_id,
    eventType: `request.${o.status}`,
    payload: {
      type: `request.${o.status}`,
      timestamp: now.toISOString(),
      data: { requestId: r.id, subjectRef: r.subject_ref, status: o.status, ...(o.consentId ? { consentId: o.consentId } : {}) },
    },
    createdAt: now,
  });
}

/** The citizen rejects a pending request. */
export async function rejectRequest(tx: Sql, deps: AppDeps, citizenId: string, id: string, httpRequestId?: string): Promise<RequestRow> {
  const now = deps.clock.now();
  const r = await citizenRequest(tx, citizenId, id, true);
  assertPending(r, now);
  await decideRequest(tx, id, { status: 'rejected', at: now, citizenId });
  await recordRequestOutcome(tx, deps, r, { status: 'rejected', actor: { type: 'citizen', id: citizenId }, citizenId, httpRequestId });
  return { ...r, status: 'rejected', decided_at: now, citizen_id: citizenId };
}

/** The service cancels one of its own pending requests. */
export async function cancelRequest(tx: Sql, deps: AppDeps, serviceId: string, r: RequestRow, httpRequestId?: string): Promise<RequestRow> {
  const now = deps.clock.now();
  assertPending(r, now);
  await decideRequest(tx, r.id, { status: 'cancelled', at: now });
  await recordRequestOutcome(tx, deps, r, { status: 'cancelled', actor: { type: 'service', id: serviceId }, httpRequestId });
  return { ...r, status: 'cancelled', decided_at: now };
}

/** Records the expiry of a pending request past its deadline (the sweep); false if already decided. */
export async function expireRequest(tx: Sql, deps: AppDeps, id: string): Promise<boolean> {
  const now = deps.clock.now();
  const r = await findRequest(tx, id, true);
  if (!r || r.status !== 'pending' || r.expires_at.getTime() > now.getTime()) return false;
  await decideRequest(tx, id, { status: 'expired', at: now });
  await recordRequestOutcome(tx, deps, r, { status: 'expired', actor: { type: 'system', id: 'expiry-sweep' } });
  return true;
}
