import { createRoute } from '@hono/zod-openapi';
import { readMailOutbox, retryMail, readMail } from '../../notifications/mail-outbox.js';
import { newRouter } from '../router.js';
import type { AppDeps } from '../../core/deps.js';
import { citizenAuth } from '../middleware/citizen-auth.js';
import { requireRole } from '../middleware/require-role.js';
import { problemResponses } from '../problem.js';
import { decodeCursor, pageOf } from '../../domain/cursor.js';
import { AdminMailDetail, AdminMailPage, AdminMailQuery, AdminMailSchema, MailIdParam } from '../schemas/notifications.js';
import { mailAttemptView, mailView } from '../views/notification-view.js';
import { json } from '../json-content.js';


/** The mail outbox for admins: counts by status, the dead letters, each mail's delivery log, and a retry. */
export function adminMailRoutes(deps: AppDeps) {
  const r = newRouter();
  const common = { tags: ['admin'], security: [{ session: [] }], middleware: [citizenAuth(deps), requireRole(deps, 'admin')] };

  r.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/admin/notification-mail',
      summary: 'The e-mail outbox: counts by status and a page of mails (filter `status=dead` for the dead letters)',
      request: { query: AdminMailQuery },
      responses: { 200: { description: 'Counts and a page of mails, newest first; never an address', content: json(AdminMailPage) }, ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const { rows, counts } = await readMailOutbox(deps.db, { status: q.status, before: decodeCursor(q.cursor), limit: q.limit });
      return c.json({ ...pageOf(rows, q.limit, mailView), counts }, 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/admin/notification-mail/{id}',
      summary: 'One mail with its delivery log',
      request: { params: MailIdParam },
      responses: { 200: { description: 'The mail and every attempt', content: json(AdminMailDetail) }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { mail, attempts } = await readMail(deps.db, c.req.valid('param').id);
      return c.json({ ...mailView(mail), deliveryLog: attempts.map(mailAttemptView) }, 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/admin/notification-mail/{id}/retry',
      summary: 'Put a dead (or skipped) mail back in the queue, due now; it is decided again before sending',
      request: { params: MailIdParam },
      responses: { 200: { description: 'Queued again', content: json(AdminMailSchema) }, ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const row = await retryMail(deps.db, deps, c.get('citizen').citizenId, c.req.valid('param').id, c.get('requestId'));
      return c.json(mailView(row), 200);
    },
  );

  return r;
}
