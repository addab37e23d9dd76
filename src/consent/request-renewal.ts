import { effectiveStatus } from '../domain/consent.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import { dedupeKey, RENEWAL_REQUEST_WINDOW_DAYS } from '../domain/notifications.js';
import type { AppDeps } from '../core/deps.js';
import { notifyCitizen } from '../notifications/notify-citizen.js';
import { insertAuditEvent } from '../storage/audit-repo.js';
import { findServiceConsent } from '../storage/consents-repo.js';
import type { Sql } from '../storage/db.js';
import { findPendingRenewal, insertRenewalRequest, type RenewalRequestRow } from '../storage/renewal-requests-repo.js';
import { assertNoticeCurrent } from './notice-current.js';

/**
 * A service asks the citizen to renew one of its consents that ends within
 * {@link RENEWAL_REQUEST_WINDOW_DAYS} days: a pending renewal request, audited, and a
 * notification in the citizen's inbox (and e-mail), in one transaction. Asking again while
 * one is pending returns that one (`created: false`). Refused with 409 `renewal_not_allowed`
 * for an ended consent or one ending later, and `notice_changed` when the service's notice
 * changed since (a renewal repeats the old terms; send a new consent request instead).
 */
export async function requestRenewal(
  tx: Sql,
  deps: AppDeps,
  serviceId: string,
  consentId: string,
  httpRequestId?: string,
): Promise<{ renewal: RenewalRequestRow; created: boolean }> {
  const now = deps.clock.now();
  const consent = await findServiceConsent(tx, serviceId, consentId, true);
  if (!consent) throw new NotFoundError('consent');
  const status = effectiveStatus(consent.status, consent.valid_until, now);
  if (status !== 'active' && status !== 'paused') {
    throw new ConflictError('renewal_not_allowed', `This consent is ${status}: ask the person for a new consent instead.`, { currentStatus: status });
  }
  const windowStart = new Date(consent.valid_until.getTime() - RENEWAL_REQUEST_WINDOW_DAYS * 86_400_000);
  if (now.getTime() < windowStart.getTime()) {
    throw new ConflictError('renewal_not_allowed', `A renewal can be asked for from ${RENEWAL_REQUEST_WINDOW_DAYS} days before the consent ends (from ${windowStart.toISOString()}).`, {
      validUntil: consent.valid_until.toISOString(),
      renewableFrom: windowStart.toISOString(),
    });
  }
  await assertNoticeCurrent(tx, deps, consent);
  const existing = await findPendingRenewal(tx, consent.id);
  if (existing) return { renewal: existing, created: false };
  const renewal: RenewalRequestRow = {
    id: uuidv7(deps.clock, deps.random),
    consentId: consent.id,
    serviceId,
    validUntil: consent.valid_until,
    status: 'pending',
    createdAt: now,
    decidedAt: null,
  };
  await insertRenewalRequest(tx, renewal);
  await insertAuditEvent(tx, {
    id: uuidv7(deps.clock, deps.random),
    type: 'renewal.requested',
    actorType: 'service',
    actorId: serviceId,
    citizenId: consent.citizen_id,
    serviceId,
    consentId: consent.id,
    requestId: httpRequestId,
    data: { renewalRequestId: renewal.id, validUntil: consent.valid_until.toISOString() },
    createdAt: now,
  });
  if (consent.citizen_id) {
    await notifyCitizen(tx, deps, {
      citizenId: consent.citizen_id,
      type: 'consent.renewal_requested',
      key: dedupeKey.renewalRequested(renewal.id),
      consentId: consent.id,
      data: { serviceId, validUntil: consent.valid_until.toISOString(), renewalRequestId: renewal.id },
    });
  }
  return { renewal, created: true };
}
