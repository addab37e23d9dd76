import { type CitizenSignature, RECEIPT_TYP, receiptClaims } from '../crypto/receipt.js';
import { signJwt } from '../crypto/sign-jwt.js';
import type { ConsentEvent } from '../domain/consent.js';
import { b64url, sha256 } from '@permis/sdk/encoding';
import { uuidv7 } from '../domain/ids.js';
import type { AppDeps } from '../core/deps.js';
import { insertAuditEvent, type AuditEvent } from '../storage/audit-repo.js';
import { resolveTerms } from '../storage/catalogue-repo.js';
import { getService } from '../storage/services-repo.js';
import { type ConsentRow, insertConsent, insertReceipt, insertRevision, type ReceiptRow, updateConsent } from '../storage/consents-repo.js';
import type { Sql } from '../storage/db.js';
import { enqueueWebhook } from '../storage/outbox-repo.js';
import { ConflictError, InternalError } from '../domain/errors.js';
import { notifyConsentEvent } from '../notifications/notify-events.js';

/** Who caused a transition; written to the audit event. */
export interface Actor {
  type: AuditEvent['actorType'];
  id: string | null;
}

/** One transition to record. `prev` is the locked previous row (absent for a grant). */
export interface Transition {
  prev?: ConsentRow | undefined;
  next: ConsentRow;
  event: ConsentEvent;
  reason?: string | null | undefined;
  actor: Actor;
  requestId?: string | undefined;
  citizenSignature?: CitizenSignature | undefined;
}

/** The Standard Webhooks event type of each consent event. */
export const webhookType: Record<ConsentEvent, string> = {
  granted: 'consent.granted',
  narrowed: 'consent.updated',
  paused: 'consent.paused',
  resumed: 'consent.resumed',
  withdrawn: 'consent.withdrawn',
  revoked: 'consent.revoked',
  expired: 'consent.expired',
  renewed: 'consent.renewed',
};

/**
 * Writes a transition in the caller's transaction: the new state, a revision,
 * a signed receipt chained to its predecessor, an audit event and a webhook outbox row.
 * Either all of it commits or none of it does.
 */
export async function recordTransition(tx: Sql, deps: AppDeps, t: Transition): Promise<{ consent: ConsentRow; receipt: ReceiptRow }> {
  const { clock, random, config } = deps;
  const now = clock.now();
  const next = t.next;
  const service = await getService(tx, next.service_id);
  if (!service) throw new InternalError('data_integrity', `consent ${next.id} refers to a missing service`);
  const terms = await resolveTerms(tx, { purposes: next.terms.purposes, categories: next.terms.dataCategories });
  const purposes = terms.filter((t) => t.kind === 'purpose');
  const categories = terms.filter((t) => t.kind === 'category');
  const predecessorHash = t.prev ? t.prev.last_receipt_hash : null;
  const receiptId = uuidv7(clock, random);
  const { jws, kid } = await signJwt(deps.keys, 'receipt', {
    typ: RECEIPT_TYP,
    claims: receiptClaims({
      issuer: config.publicUrl,
      receiptId,
      issuedAt: now,
      consentId: next.id,
      revision: next.revision,
      event: t.event,
      status: next.status,
      terms: next.terms,
      termsHash: next.terms_hash,
      predecessorHash,
      consentTimestamp: next.created_at,
      serviceClientId: service.clientId,
      serviceName: service.name.en,
      purposes,
      categories,
      citizenSignature: t.citizenSignature,
    }),
  });
  const receiptHash = b64url(await sha256(jws));
  const consent: ConsentRow = { ...next, last_receipt_hash: receiptHash, updated_at: now };
  if (t.prev) {
    const ok = await updateConsent(tx, consent, t.prev.revision);
    if (!ok) throw new ConflictError('conflict', 'The consent changed while this request was processed; read it again.');
  } else {
    await insertConsent(tx, consent);
  }
  await insertRevision(tx, {
    consent_id: next.id,
    revision: next.revision,
    event: t.event,
    status: next.status,
    terms: next.terms,
    terms_hash: next.terms_hash,
    predecessor_hash: predecessorHash,
    reason: t.reason ?? null,
    created_at: now,
  });
  const receipt: ReceiptRow = {
    id: receiptId,
    consent_id: next.id,
    revision: next.revision,
    event: t.event,
    jws,
    kid,
    receipt_hash: receiptHash,
    created_at: now,
  };
  await insertReceipt(tx, receipt);
  // What both the audit event and the webhook say about the new revision.
  const summary = {
    revision: next.revision,
    status: next.status,
    purposes: next.terms.purposes,
    dataCategories: next.terms.dataCategories,
    processing: next.terms.processing,
    validUntil: next.terms.validUntil,
    termsHash: next.terms_hash,
    receiptId,
  };
  await insertAuditEvent(tx, {
    id: uuidv7(clock, random),
    type: `consent.${t.event}`,
    actorType: t.actor.type,
    actorId: t.actor.id,
    citizenId: next.citizen_id,
    serviceId: next.service_id,
    consentId: next.id,
    requestId: t.requestId,
    data: { ...summary, ...(t.reason ? { reason: t.reason } : {}) },
    createdAt: now,
  });
  await enqueueWebhook(tx, {
    id: uuidv7(clock, random),
    serviceId: next.service_id,
    eventType: webhookType[t.event],
    payload: {
      type: webhookType[t.event],
      timestamp: now.toISOString(),
      data: {
        consentId: next.id,
        subjectRef: next.subject_ref,
        ...summary,
        ...(t.event === 'withdrawn' || t.event === 'revoked' || t.event === 'expired' ? { endedAt: now.toISOString(), endReason: next.end_reason } : {}),
      },
    },
    createdAt: now,
  });
  await notifyConsentEvent(tx, deps, { event: t.event, consent, reason: t.reason });
  return { consent, receipt };
}
