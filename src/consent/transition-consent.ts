import { termsHash } from '../crypto/terms-hash.js';
import { type ConsentAction, effectiveStatus, isEnded, type NarrowChange, narrowTerms, nextState } from '../domain/consent.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import type { AppDeps } from '../core/deps.js';
import { type ConsentRow, findCitizenConsent, findConsent, findServiceConsent, type ReceiptRow } from '../storage/consents-repo.js';
import type { Sql } from '../storage/db.js';
import { type Actor, recordTransition } from './record-transition.js';

/** A request to move one consent. */
export interface TransitionInput {
  consentId: string;
  action: ConsentAction;
  actor: Actor;
  /** When set, only this citizen's consent may be moved (anything else is "not found"). */
  citizenId?: string | undefined;
  /** When set, only this service's consent may be moved (anything else is "not found"). */
  serviceId?: string | undefined;
  /** RFC 9110 §13.1.1 If-Match: the revision the caller last saw. */
  ifMatchRevision?: number | undefined;
  narrow?: NarrowChange | undefined;
  reason?: string | null | undefined;
  requestId?: string | undefined;
}

/**
 * Applies one transition under a row lock, so concurrent transitions on one consent are
 * serialised: the loser sees the winner's state and gets a 409 if its move is no longer legal.
 */
export async function transitionConsent(tx: Sql, deps: AppDeps, input: TransitionInput): Promise<{ consent: ConsentRow; receipt: ReceiptRow }> {
  const now = deps.clock.now();
  const prev = input.citizenId
    ? await findCitizenConsent(tx, input.citizenId, input.consentId, true)
    : input.serviceId
      ? await findServiceConsent(tx, input.serviceId, input.consentId, true)
      : await findConsent(tx, input.consentId, true);
  if (!prev) throw new NotFoundError('consent');
  if (input.ifMatchRevision !== undefined && input.ifMatchRevision !== prev.revision) {
    throw new ConflictError('precondition_failed', `The consent is at revision ${prev.revision}, not ${input.ifMatchRevision}.`, {
      currentRevision: prev.revision,
    });
  }
  // A consent past validUntil is expired for every reader, even before the sweep records it;
  // only the expiry itself may act on it.
  const current = input.action === 'expire' ? prev.status : effectiveStatus(prev.status, prev.valid_until, now);
  const { status, event } = nextState(current, input.action);
  let terms = prev.terms;
  let hash = prev.terms_hash;
  if (input.action === 'narrow') {
    terms = narrowTerms(prev.terms, input.narrow ?? {}, now);
    hash = await termsHash(terms);
  }
  const next: ConsentRow = {
    ...prev,
    revision: prev.revision + 1,
    status,
    terms,
    terms_hash: hash,
    valid_until: new Date(terms.validUntil),
    ended_at: isEnded(status) ? now : null,
    end_reason: isEnded(status) ? (input.reason ?? event) : null,
  };
  return recordTransition(tx, deps, { prev, next, event, reason: input.reason, actor: input.actor, requestId: input.requestId });
}
