import type { AppDeps } from '../core/deps.js';
import type { Sql } from '../storage/db.js';
import { listNotifications, type NotificationRow } from '../storage/notifications-repo.js';
import { readNotificationSettings } from './notification-settings.js';

/** Most notifications in an export (the newest are kept). */
export const EXPORT_NOTIFICATIONS_LIMIT = 1000;

/**
 * The notifications section of a citizen's data export (GDPR Arts. 15 and 20): their
 * language, their choices per type, their e-mail address in clear with its state, and their
 * notifications, newest first (at most {@link EXPORT_NOTIFICATIONS_LIMIT}).
 */
export async function exportNotifications(sql: Sql, deps: Pick<AppDeps, 'config'>, citizenId: string) {
  const settings = await readNotificationSettings(sql, deps, citizenId);
  const rows = await listNotifications(sql, { citizenId, limit: EXPORT_NOTIFICATIONS_LIMIT + 1 });
  const view = (n: NotificationRow) => ({
    id: n.id,
    type: n.type,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt ? n.readAt.toISOString() : null,
    consentId: n.consentId,
    requestId: n.requestId,
    data: n.data,
  });
  return {
    language: settings.language,
    preferences: settings.preferences.map(({ type, inbox, email }) => ({ type, inbox, email })),
    email: settings.email
      ? {
          address: settings.email.address,
          status: settings.email.status,
          addedAt: settings.email.addedAt.toISOString(),
          confirmedAt: settings.email.confirmedAt ? settings.email.confirmedAt.toISOString() : null,
        }
      : null,
    items: rows.slice(0, EXPORT_NOTIFICATIONS_LIMIT).map(view),
    truncated: rows.length > EXPORT_NOTIFICATIONS_LIMIT,
  };
}
