import { effectiveStatus } from '../domain/consent.js';
import type { ConsentRow, ReceiptRow, RevisionRow } from '../storage/consents-repo.js';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The API view of a consent, with the status any reader must see at `now`. */
export function consentView(r: ConsentRow, now: Date) {
  const status = effectiveStatus(r.status, r.valid_until, now);
  const expiredNow = status !== r.status;
  return {
    id: r.id,
    revision: r.revision,
    status,
    serviceId: r.service_id,
    subjectRef: r.subject_ref,
    purposes: r.terms.purposes,
    dataCategories: r.terms.dataCategories,
    processing: r.terms.processing,
    legalBasis: r.terms.legalBasis,
    jurisdiction: r.terms.jurisdiction,
    validFrom: r.terms.validFrom,
    validUntil: r.terms.validUntil,
    notice: r.terms.notice,
    collectionMethod: r.terms.collectionMethod,
    terms: r.terms,
    termsHash: r.terms_hash,
    lastReceiptHash: r.last_receipt_hash,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    endedAt: expiredNow ? r.valid_until.toISOString() : iso(r.ended_at),
    endReason: expiredNow ? 'expired' : r.end_reason,
  };
}

/** The API view of a receipt. */
export function receiptView(r: ReceiptRow) {
  return {
    id: r.id,
    consentId: r.consent_id,
    revision: r.revision,
    event: r.event,
    kid: r.kid,
    jws: r.jws,
    receiptHash: r.receipt_hash,
    createdAt: r.created_at.toISOString(),
  };
}

/** The API view of a revision. */
export function revisionView(r: RevisionRow) {
  return {
    revision: r.revision,
    event: r.event,
    status: r.status,
    terms: r.terms,
    termsHash: r.terms_hash,
    predecessorHash: r.predecessor_hash,
    reason: r.reason,
    createdAt: r.created_at.toISOString(),
  };
}
