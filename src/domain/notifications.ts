/**
 * What citizens are told, and when (pure rules; no I/O). A notification has a type, a
 * deduplication key that names the event it reports, and the data its text needs.
 */

/** Every kind of notification, in the order the preferences list them. */
export const notificationTypes = [
  'consent.expiring',
  'consent.expired',
  'consent.revoked',
  'consent.renewal_requested',
  'request.waiting',
  'request.expiring',
  'acted_on_behalf',
  'security.signed_in',
  'security.passkey_added',
] as const;
export type NotificationType = (typeof notificationTypes)[number];

/** Where a notification can reach the citizen. */
export const notificationChannels = ['inbox', 'email'] as const;
export type NotificationChannel = (typeof notificationChannels)[number];

/** Channels a citizen turned off, per type: `{ "request.waiting": ["email"] }`. */
export type MutedChannels = Partial<Record<NotificationType, NotificationChannel[]>>;

/** Security notices (a new sign-in, a new passkey) cannot be turned off. */
export const isSecurityNotice = (type: NotificationType): boolean => type.startsWith('security.');

/** True when `s` names a notification type. */
export const isNotificationType = (s: string): s is NotificationType => (notificationTypes as readonly string[]).includes(s);

/** Whether `type` reaches the citizen on `channel` with their `muted` choices. */
export function channelOn(type: NotificationType, channel: NotificationChannel, muted: MutedChannels): boolean {
  if (isSecurityNotice(type)) return true;
  return !(muted[type] ?? []).includes(channel);
}

/**
 * Normalises a citizen's choice of muted channels: only known types and channels, never a
 * security notice, each channel once. Muting the inbox mutes e-mail too (an e-mail always
 * has its inbox entry to link to).
 */
export function normaliseMuted(input: Record<string, readonly string[] | undefined>): MutedChannels {
  const out: MutedChannels = {};
  for (const type of notificationTypes) {
    if (isSecurityNotice(type)) continue;
    const asked = new Set((input[type] ?? []).filter((c): c is NotificationChannel => (notificationChannels as readonly string[]).includes(c)));
    if (asked.has('inbox')) asked.add('email');
    if (asked.size) out[type] = notificationChannels.filter((c) => asked.has(c));
  }
  return out;
}

/** The default reminder thresholds: 30 and 7 days before a consent ends. */
export const DEFAULT_REMINDER_DAYS: readonly number[] = [30, 7];

/** The default warning before a pending request expires: 48 hours. */
export const DEFAULT_REQUEST_REMINDER_HOURS = 48;

/** How far ahead of its end a service may ask the citizen to renew a consent. */
export const RENEWAL_REQUEST_WINDOW_DAYS = 60;

const DAY_MS = 86_400_000;

/**
 * The reminder due now for a consent valid from `validFrom` to `validUntil`, as the number
 * of days of its threshold, or undefined. A threshold counts once the consent is that close
 * to its end, only if the consent was longer than that (a 20-day consent gets no 30-day
 * reminder), and only the nearest one due (after an outage, no stale 30-day reminder
 * follows the 7-day one).
 */
export function dueReminderDays(validFrom: Date, validUntil: Date, now: Date, thresholds: readonly number[]): number | undefined {
  const end = validUntil.getTime();
  if (now.getTime() >= end) return undefined;
  const due = thresholds.filter((d) => now.getTime() >= end - d * DAY_MS && validFrom.getTime() < end - d * DAY_MS);
  return due.length ? Math.min(...due) : undefined;
}

/** The widest reminder threshold in milliseconds (how far ahead the reminder scan looks). */
export const reminderHorizonMs = (thresholds: readonly number[]): number => Math.max(0, ...thresholds) * DAY_MS;

/**
 * True when a request created at `createdAt` and expiring at `expiresAt` should be flagged
 * as about to expire now: within `hours` of its deadline, and it was open longer than that.
 */
export function requestExpiringNow(createdAt: Date, expiresAt: Date, now: Date, hours: number): boolean {
  const warnAt = expiresAt.getTime() - hours * 3_600_000;
  return now.getTime() >= warnAt && now.getTime() < expiresAt.getTime() && createdAt.getTime() < warnAt;
}

/** Reminder thresholds from configuration: whole days, 1–365, distinct, largest first. */
export function parseReminderDays(text: string): number[] | undefined {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.some((p) => !/^[1-9][0-9]{0,2}$/.test(p))) return undefined;
  const days = [...new Set(parts.map(Number))].sort((a, b) => b - a);
  return days.every((d) => d <= 365) ? days : undefined;
}

/** The deduplication key of each notification: one notification per citizen and key. */
export const dedupeKey = {
  expiring: (consentId: string, validUntil: Date, days: number) => `consent.expiring:${consentId}:${validUntil.toISOString()}:${days}`,
  expired: (consentId: string) => `consent.expired:${consentId}`,
  revoked: (consentId: string) => `consent.revoked:${consentId}`,
  renewalRequested: (renewalRequestId: string) => `consent.renewal_requested:${renewalRequestId}`,
  requestWaiting: (requestId: string) => `request.waiting:${requestId}`,
  requestExpiring: (requestId: string) => `request.expiring:${requestId}`,
  actedOnBehalf: (key: string) => `acted_on_behalf:${key}`,
  signedIn: (sessionId: string) => `security.signed_in:${sessionId}`,
  passkeyAdded: (passkeyId: string) => `security.passkey_added:${passkeyId}`,
};
