/**
 * The notifications that consent and request events cause, written in the event's own
 * transaction: a consent revoked by its service or expired, a request waiting for the
 * citizen; and the inbox tidied when an event settles what a notification was about.
 */
import type { ConsentEvent } from '../domain/consent.js';
import { dedupeKey } from '../domain/notifications.js';
import type { Sql } from '../storage/db.js';
import type { ConsentRow } from '../storage/consents-repo.js';
import { markConsentNotificationsRead, markRequestNotificationsRead } from '../storage/notifications-repo.js';
import { closePendingRenewal } from '../storage/renewal-requests-repo.js';
import { findBinding } from '../storage/requests-repo.js';
import { notifyCitizen, type NotifyDeps } from './notify-citizen.js';

/** Notifications about a consent that are settled once it ended or was renewed: what they asked is answered. */
const SETTLED_BY_CONSENT = ['consent.expiring', 'consent.renewal_requested'] as const;

/**
 * Called by every recorded consent transition (src/consent/record-transition.ts): tells the
 * citizen when a service revoked the consent or it expired; when the consent ends, a pending
 * renewal request lapses; when it ends or is renewed, its reminders are settled.
 */
export async function notifyConsentEvent(tx: Sql, deps: NotifyDeps, e: { event: ConsentEvent; consent: ConsentRow; reason?: string | null | undefined }): Promise<void> {
  const { consent, event } = e;
  const now = deps.clock.now();
  const ended = event === 'withdrawn' || event === 'revoked' || event === 'expired';
  if (ended) await closePendingRenewal(tx, consent.id, 'lapsed', now);
  if (ended || event === 'renewed') await markConsentNotificationsRead(tx, consent.id, SETTLED_BY_CONSENT, now);
  // An erased account's consents keep no link to it: nobody to tell.
  if (!consent.citizen_id) return;
  if (event === 'revoked') {
    await notifyCitizen(tx, deps, {
      citizenId: consent.citizen_id,
      type: 'consent.revoked',
      key: dedupeKey.revoked(consent.id),
      consentId: consent.id,
      data: { serviceId: consent.service_id, ...(e.reason ? { reason: e.reason } : {}) },
    });
  } else if (event === 'expired') {
    await notifyCitizen(tx, deps, {
      citizenId: consent.citizen_id,
      type: 'consent.expired',
      key: dedupeKey.expired(consent.id),
      consentId: consent.id,
      data: { serviceId: consent.service_id, validUntil: consent.terms.validUntil },
    });
  }
}

/** Tells the citizen bound to a new request's subjectRef (if any) that it waits for them. */
export async function notifyRequestCreated(
  tx: Sql,
  deps: NotifyDeps,
  r: { id: string; serviceId: string; subjectRef: string; expiresAt: Date },
): Promise<void> {
  const citizenId = await findBinding(tx, r.serviceId, r.subjectRef);
  if (!citizenId) return;
  await notifyCitizen(tx, deps, {
    citizenId,
    type: 'request.waiting',
    key: dedupeKey.requestWaiting(r.id),
    requestId: r.id,
    data: { serviceId: r.serviceId, expiresAt: r.expiresAt.toISOString() },
  });
}

/** Marks the unread notifications about a request read once it is decided, expired or cancelled. */
export async function settleRequestNotifications(tx: Sql, requestId: string, at: Date): Promise<void> {
  await markRequestNotificationsRead(tx, requestId, at);
}
