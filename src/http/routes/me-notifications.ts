import { createRoute } from '@hono/zod-openapi';
import { markAllNotificationsRead, markNotificationRead, readInbox } from '../../notifications/inbox.js';
import { removeEmailAddress, resendConfirmation, setEmailAddress } from '../../notifications/email-address.js';
import { readNotificationSettings, saveNotificationSettings } from '../../notifications/notification-settings.js';
import { newRouter } from '../router.js';
import type { AppDeps } from '../../core/deps.js';
import { citizenAuth } from '../middleware/citizen-auth.js';
import { problemResponses } from '../problem.js';
import { decodeCursor, pageOf } from '../../domain/cursor.js';
import {
  EmailAddressBody,
  EmailAddressState,
  MarkedRead,
  NotificationIdParam,
  NotificationListQuery,
  NotificationPage,
  NotificationSettingsSchema,
  SaveNotificationSettings,
} from '../schemas/notifications.js';
import { notificationView, settingsView } from '../views/notification-view.js';
import { json } from '../json-content.js';


/** The citizen's notifications: the inbox, read marks, settings per type, and the opt-in e-mail address. */
export function meNotificationRoutes(deps: AppDeps) {
  const r = newRouter();
  const common = { tags: ['citizen notifications'], security: [{ session: [] }], middleware: citizenAuth(deps) };

  r.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/me/notifications',
      summary: 'My notifications, newest first, and how many are unread',
      request: { query: NotificationListQuery },
      responses: { 200: { description: 'A page of notifications', content: json(NotificationPage) }, ...problemResponses(400, 401) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const { rows, unread } = await readInbox(deps.db, c.get('citizen').citizenId, { unreadOnly: q.unread === 'true', before: decodeCursor(q.cursor), limit: q.limit });
      return c.json({ ...pageOf(rows, q.limit, (n) => notificationView(n, deps.config.publicUrl)), unread }, 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/me/notifications/{id}/read',
      summary: 'Mark one notification read',
      request: { params: NotificationIdParam },
      responses: { 204: { description: 'Marked read' }, ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      await markNotificationRead(deps.db, deps, c.get('citizen').citizenId, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/me/notifications/read-all',
      summary: 'Mark every notification read',
      responses: { 200: { description: 'How many were unread', content: json(MarkedRead) }, ...problemResponses(401) },
    }),
    async (c) => c.json({ marked: await markAllNotificationsRead(deps.db, deps, c.get('citizen').citizenId) }, 200),
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/me/notification-settings',
      summary: 'My notification settings: language, channels per type, my e-mail address',
      responses: { 200: { description: 'The settings', content: json(NotificationSettingsSchema) }, ...problemResponses(401) },
    }),
    async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(settingsView(await readNotificationSettings(deps.db, deps, c.get('citizen').citizenId)), 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'put',
      path: '/v1/me/notification-settings',
      summary: 'Change my notification language and which channels each type reaches',
      description: 'Types left out keep their setting. Security notices cannot be turned off (their choice is ignored); turning the inbox off turns e-mail off too.',
      request: { body: { content: json(SaveNotificationSettings), required: true } },
      responses: { 200: { description: 'The settings now', content: json(NotificationSettingsSchema) }, ...problemResponses(400, 401) },
    }),
    async (c) => {
      const { citizenId } = c.get('citizen');
      const body = c.req.valid('json');
      await deps.db.transaction((tx) => saveNotificationSettings(tx, deps, citizenId, body));
      return c.json(settingsView(await readNotificationSettings(deps.db, deps, citizenId)), 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'put',
      path: '/v1/me/email',
      summary: 'Set my e-mail address (double opt-in: a confirmation link is sent to it)',
      description:
        'Replaces any previous address. The address receives nothing but the confirmation message until its link is followed. ' +
        'Stored encrypted; erased with the account; included in the export. 409 `mail_unavailable` when this installation sends no e-mail.',
      request: { body: { content: json(EmailAddressBody), required: true } },
      responses: { 202: { description: 'Stored; the confirmation is on its way', content: json(EmailAddressState) }, ...problemResponses(400, 401, 409, 429) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const row = await deps.db.transaction((tx) =>
        setEmailAddress(tx, deps, c.get('citizen').citizenId, { address: body.address, language: body.language, requestId: c.get('requestId') }),
      );
      return c.json({ status: row.status, addedAt: row.createdAt.toISOString(), confirmedAt: null }, 202);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/me/email/resend',
      summary: 'Send the confirmation link again',
      responses: { 202: { description: 'The confirmation is on its way' }, ...problemResponses(401, 404, 409, 429) },
    }),
    async (c) => {
      await deps.db.transaction((tx) => resendConfirmation(tx, deps, c.get('citizen').citizenId));
      return c.body(null, 202);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'delete',
      path: '/v1/me/email',
      summary: 'Remove my e-mail address: nothing more is sent to it',
      responses: { 204: { description: 'Removed' }, ...problemResponses(401, 404) },
    }),
    async (c) => {
      await deps.db.transaction((tx) => removeEmailAddress(tx, deps, c.get('citizen').citizenId, c.get('requestId')));
      return c.body(null, 204);
    },
  );

  return r;
}
