import { createRoute, z } from '@hono/zod-openapi';
import { listLiveSessions } from '../../storage/sessions.js';
import { newRouter } from '../router.js';
import { json } from '../json-content.js';
import { revokeOwnSession } from '../../account/revoke-session.js';
import type { AppDeps } from '../../core/deps.js';
import { citizenAuth } from '../middleware/citizen-auth.js';
import { problemResponses } from '../problem.js';
import { Session } from '../schemas/citizen.js';
import { clearSessionCookie } from '../../web/session-cookie.js';

const SessionList = z
  .object({ items: z.array(Session), nextCursor: z.string().nullable() })
  .openapi('SessionList');
const ListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ param: { name: 'limit', in: 'query' }, example: 50 }),
    cursor: z.uuid().optional().openapi({ param: { name: 'cursor', in: 'query' }, description: '`nextCursor` of the previous page.' }),
  })
  .strict();
const SessionParams = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) }).strict();


/** The signed-in citizen's live sessions: list (newest first, cursor-paginated) and revoke. */
export function meSessionRoutes(deps: AppDeps) {
  const r = newRouter();
  const auth = citizenAuth(deps);
  const common = { tags: ['me'], security: [{ session: [] }], middleware: auth };

  r.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/me/sessions',
      summary: 'List my live sessions',
      request: { query: ListQuery },
      responses: { 200: { description: 'My sessions, newest first', content: json(SessionList) }, ...problemResponses(400, 401) },
    }),
    async (c) => {
      const who = c.get('citizen');
      const { limit, cursor } = c.req.valid('query');
      const rows = await listLiveSessions(deps.db, who.citizenId, deps.clock.now(), { limit: limit + 1, before: cursor });
      const page = rows.slice(0, limit);
      return c.json(
        {
          items: page.map((s) => ({
            id: s.id,
            createdAt: s.createdAt.toISOString(),
            expiresAt: s.expiresAt.toISOString(),
            userAgent: s.userAgent,
            current: s.id === who.sessionId,
          })),
          nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
        },
        200,
      );
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'delete',
      path: '/v1/me/sessions/{id}',
      summary: 'Revoke one of my sessions',
      request: { params: SessionParams },
      responses: { 204: { description: 'Revoked' }, ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      const who = c.get('citizen');
      const { id } = c.req.valid('param');
      await revokeOwnSession(deps, who, id, c.get('requestId'));
      if (id === who.sessionId) clearSessionCookie(c);
      return c.body(null, 204);
    },
  );

  return r;
}
