/**
 * The reminder scan (a periodic job, like the expiry sweep): tells citizens that a consent
 * ends in 30 or 7 days (configurable) and that a request waiting for them is about to expire.
 *
 * Exactly once per consent, threshold and end of validity, on any number of replicas and
 * across restarts: each candidate is decided again in its own transaction with the consent
 * (or request) row locked, so a withdrawal or renewal committing at the same moment is either
 * seen or waits, and the notification's unique dedupe key turns a second writer into a no-op.
 * Never for an ended consent; a renewed one has a new end, hence new reminders in due time.
 */
import { dedupeKey, dueReminderDays, requestExpiringNow } from '../domain/notifications.js';
import { effectiveStatus } from '../domain/consent.js';
import type { AppDeps } from '../core/deps.js';
import { reminderSettings } from '../notifications/notification-config.js';
import { notifyCitizen } from '../notifications/notify-citizen.js';
import { consentsDueForReminder, lockConsentForReminder, lockRequestForWarning, requestsDueForWarning } from '../storage/reminder-candidates.js';

/** Options for {@link scanReminders}. */
export interface ReminderScanOptions {
  /** Most candidates looked at per threshold in one call; default 500. */
  batch?: number;
}

/** What one scan did. */
export interface ReminderScanResult {
  /** Consent reminders recorded (each a notification, and an e-mail where wanted). */
  consentReminders: number;
  /** Warnings about requests about to expire. */
  requestWarnings: number;
}

/** Runs the scan once at `deps.clock.now()`. Database errors propagate (the job runner logs them). */
export async function scanReminders(deps: AppDeps, opts: ReminderScanOptions = {}): Promise<ReminderScanResult> {
  const batch = opts.batch ?? 500;
  const { reminderDays, requestReminderHours } = reminderSettings(deps.config.notifications);
  const result: ReminderScanResult = { consentReminders: 0, requestWarnings: 0 };
  const now = deps.clock.now();
  // Nearest threshold first: a consent due for several gets only the nearest one.
  for (const days of [...reminderDays].sort((a, b) => a - b)) {
    for (const id of await consentsDueForReminder(deps.db, { now, days, batch })) {
      const told = await deps.db.transaction(async (tx) => {
        const c = await lockConsentForReminder(tx, id);
        if (!c?.citizenId) return false;
        const status = effectiveStatus(c.status, c.validUntil, now);
        if (status !== 'active' && status !== 'paused') return false;
        if (dueReminderDays(new Date(c.terms.validFrom), c.validUntil, now, reminderDays) !== days) return false;
        const r = await notifyCitizen(tx, deps, {
          citizenId: c.citizenId,
          type: 'consent.expiring',
          key: dedupeKey.expiring(c.id, c.validUntil, days),
          consentId: c.id,
          data: { serviceId: c.serviceId, validUntil: c.validUntil.toISOString(), days },
        });
        return r.created;
      });
      if (told) result.consentReminders++;
    }
  }
  for (const id of await requestsDueForWarning(deps.db, { now, hours: requestReminderHours, batch })) {
    const told = await deps.db.transaction(async (tx) => {
      const r = await lockRequestForWarning(tx, id);
      if (!r || r.status !== 'pending' || !requestExpiringNow(r.createdAt, r.expiresAt, now, requestReminderHours)) return false;
      const n = await notifyCitizen(tx, deps, {
        citizenId: r.citizenId,
        type: 'request.expiring',
        key: dedupeKey.requestExpiring(r.id),
        requestId: r.id,
        data: { serviceId: r.serviceId, expiresAt: r.expiresAt.toISOString() },
      });
      return n.created;
    });
    if (told) result.requestWarnings++;
  }
  return result;
}
