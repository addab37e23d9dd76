/** The citizen's inbox: read it, mark one or all notifications read. */
import { NotFoundError } from '../domain/errors.js';
import type { AppDeps } from '../core/deps.js';
import type { Sql } from '../storage/db.js';
import { countUnread, listNotifications, markAllRead, markRead, type NotificationRow } from '../storage/notifications-repo.js';

/** A page of the citizen's notifications (newest first, `limit + 1` rows to tell whether more follow) and how many are unread. */
export async function readInbox(
  sql: Sql,
  citizenId: string,
  q: { unreadOnly?: boolean | undefined; before?: string | undefined; limit: number },
): Promise<{ rows: NotificationRow[]; unread: number }> {
  const rows = await listNotifications(sql, { citizenId, unreadOnly: q.unreadOnly, before: q.before, limit: q.limit + 1 });
  return { rows, unread: await countUnread(sql, citizenId) };
}

/** Marks one of the citizen's notifications read; 404 when it is not theirs. */
export async function markNotificationRead(sql: Sql, deps: Pick<AppDeps, 'clock'>, citizenId: string, id: string): Promise<void> {
  if (!(await markRead(sql, citizenId, id, deps.clock.now()))) throw new NotFoundError('notification');
}

/** Marks every notification of the citizen read; returns how many were unread. */
export async function markAllNotificationsRead(sql: Sql, deps: Pick<AppDeps, 'clock'>, citizenId: string): Promise<number> {
  return markAllRead(sql, citizenId, deps.clock.now());
}
