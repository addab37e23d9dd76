import { NotFoundError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import type { AppDeps } from '../core/deps.js';
import { insertAuditEvent } from '../storage/audit-repo.js';
import { findCitizenConsent } from '../storage/consents-repo.js';
import type { Sql } from '../storage/db.js';
import { markConsentNotificationsRead } from '../storage/notifications-repo.js';
import { enqueueWebhook } from '../storage/outbox-repo.js';
import { closePendingRenewal, type RenewalRequestRow } from '../storage/renewal-requests-repo.js';

/**
 * The citizen lets a consent end instead of renewing it as its service asked: the renewal
 * request is declined, audited, and the service hears it (`consent.renewal_declined`). The
 * consent itself is untouched and ends when its validity does. 404 when there is no pending
 * renewal request for this citizen's consent.
 */
export async function declineRenewal(tx: Sql, deps: AppDeps, citizenId: string, consentId: string, httpRequestId?: string): Promise<RenewalRequestRow> {
  const now = deps.clock.now();
  const consent = await findCitizenConsent(tx, citizenId, consentId, true);
  if (!consent) throw new NotFoundError('consent');
  const renewal = await closePendingRenewal(tx, consent.id, 'declined', now);
  if (!renewal) throw new NotFoundError('renewal request');
  await markConsentNotificationsRead(tx, consent.id, ['consent.renewal_requested'], now);
  await insertAuditEvent(tx, {
    id: uuidv7(deps.clock, deps.random),
    type: 'renewal.declined',
    actorType: 'citizen',
    actorId: citizenId,
    citizenId,
    serviceId: consent.service_id,
    consentId: consent.id,
    requestId: httpRequestId,
    data: { renewalRequestId: renewal.id },
    createdAt: now,
  });
  await enqueueWebhook(tx, {
    id: uuidv7(deps.clock, deps.random),
    serviceId: consent.service_id,
    eventType: 'consent.renewal_declined',
    payload: {
      type: 'consent.renewal_declined',
      timestamp: now.toISOString(),
      data: { consentId: consent.id, subjectRef: consent.subject_ref, renewalRequestId: renewal.id, validUntil: consent.valid_until.toISOString() },
    },
    createdAt: now,
  });
  return renewal;
}
