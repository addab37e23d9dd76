import type { NotificationSettingsView } from '../../notifications/notification-settings.js';
import { notificationTarget } from '../../notifications/notification-target.js';
import type { MailAttempt, MailRow } from '../../storage/notification-mail-repo.js';
import type { NotificationRow } from '../../storage/notifications-repo.js';
import type { RenewalRequestRow } from '../../storage/renewal-requests-repo.js';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** A notification as the API shows it, with the absolute link of its portal page. */
export function notificationView(n: NotificationRow, publicUrl: string) {
  return {
    id: n.id,
    type: n.type,
    createdAt: n.createdAt.toISOString(),
    readAt: iso(n.readAt),
    consentId: n.consentId,
    requestId: n.requestId,
    data: n.data,
    link: `${publicUrl}${notificationTarget(n)}`,
  };
}

/** The notification settings as the API shows them. */
export function settingsView(s: NotificationSettingsView) {
  return {
    language: s.language,
    preferences: s.preferences,
    mailAvailable: s.mailAvailable,
    email: s.email ? { address: s.email.address, status: s.email.status, addedAt: s.email.addedAt.toISOString(), confirmedAt: iso(s.email.confirmedAt) } : null,
  };
}

/** A renewal request as the API shows it. */
export function renewalRequestView(r: RenewalRequestRow) {
  return { id: r.id, consentId: r.consentId, status: r.status, validUntil: r.validUntil.toISOString(), createdAt: r.createdAt.toISOString(), decidedAt: iso(r.decidedAt) };
}

/** A mail of the outbox as admins see it (never the address). */
export function mailView(m: MailRow) {
  return {
    id: m.id,
    kind: m.kind,
    eventType: m.eventType,
    status: m.status,
    attempts: m.attempts,
    createdAt: m.createdAt.toISOString(),
    nextAttemptAt: m.status === 'pending' ? m.nextAttemptAt.toISOString() : null,
    lastAttemptAt: iso(m.lastAttemptAt),
    lastError: m.lastError,
    sentAt: iso(m.sentAt),
  };
}

/** One logged attempt. */
export function mailAttemptView(a: Omit<MailAttempt, 'nextAttemptAt'>) {
  return { attempt: a.attempt, attemptedAt: a.attemptedAt.toISOString(), durationMs: a.durationMs, outcome: a.outcome, error: a.error };
}
