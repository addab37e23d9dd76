import { effectiveStatus } from '../domain/consent.js';
import { dueReminderDays } from '../domain/notifications.js';
import { effectiveRequestStatus } from '../consent/decide-request.js';
import type { Sql } from '../storage/db.js';
import { findConsent } from '../storage/consents-repo.js';
import type { NotificationRow } from '../storage/notifications-repo.js';
import { findPendingRenewal } from '../storage/renewal-requests-repo.js';
import { findRequest } from '../storage/requests-repo.js';

/**
 * True while what a notification asks the citizen to act on still stands at `now`: a reminder
 * while its consent is live with the same end (not withdrawn, revoked, expired or renewed), a
 * renewal request while pending, a request warning while the request waits. Reports of things
 * that happened (an expiry, a revocation, a security notice) always stand. The mail job asks
 * before sending, so a message queued before a withdrawal or a renewal is never sent after it.
 */
export async function stillRelevant(sql: Sql, n: NotificationRow, now: Date, reminderDays: readonly number[]): Promise<boolean> {
  switch (n.type) {
    case 'consent.expiring': {
      const c = n.consentId ? await findConsent(sql, n.consentId) : undefined;
      if (!c) return false;
      const status = effectiveStatus(c.status, c.valid_until, now);
      if ((status !== 'active' && status !== 'paused') || c.valid_until.toISOString() !== n.data.validUntil) return false;
      // A 30-day reminder still queued when the 7-day one falls due is not worth sending.
      const nearest = dueReminderDays(new Date(c.terms.validFrom), c.valid_until, now, reminderDays);
      return !(nearest !== undefined && typeof n.data.days === 'number' && nearest < n.data.days);
    }
    case 'consent.renewal_requested': {
      const pending = n.consentId ? await findPendingRenewal(sql, n.consentId) : undefined;
      return pending !== undefined && pending.id === n.data.renewalRequestId;
    }
    case 'request.waiting':
    case 'request.expiring': {
      const r = n.requestId ? await findRequest(sql, n.requestId) : undefined;
      return r !== undefined && effectiveRequestStatus(r, now) === 'pending';
    }
    default:
      return true;
  }
}
