import { createRoute } from '@hono/zod-openapi';
import { listAccessLog } from '../../storage/access-log-repo.js';
import { newRouter } from '../router.js';
import { json } from '../json-content.js';
import type { AppDeps } from '../../core/deps.js';
import { citizenAuth } from '../middleware/citizen-auth.js';
import { problemResponses } from '../problem.js';
import { decodeCursor } from '../../domain/cursor.js';
import { AccessLogPage, AccessLogQuery } from '../schemas/me-data.js';
import { accessLogPage } from '../../log/access-log-view.js';


/**
 * "Who used my data": the signed-in citizen's own audit events — every check a
 * service made about them and every action on their consents and requests — each with an
 * inclusion proof against the latest signed checkpoint of the transparency log.
 */
export function meAccessLogRoutes(deps: AppDeps) {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/me/access-log',
      tags: ['me'],
      security: [{ session: [] }],
      middleware: citizenAuth(deps),
      summary: 'Who used my data: every check and action about me, with proofs from the transparency log',
      description:
        'Newest first. Each entry that is in the log carries its leaf data and an RFC 9162 inclusion proof against `checkpoint`, so ' +
        'anyone can check it with the log key alone: verify the checkpoint note with `GET /v1/log/key` (c2sp.org/signed-note, ' +
        'Ed25519), compute the leaf hash SHA-256(0x00 ‖ base64-decoded `leafData`), and run RFC 9162 §2.1.3.2 with `leafIndex`, ' +
        '`treeSize` and `inclusionProof` to the checkpoint\'s root. The pseudonyms in the leaf open with the entry\'s `salt`. Only ' +
        'your own events are listed; services and other citizens never see them.',
      request: { query: AccessLogQuery },
      responses: { 200: { description: 'A page of my access log', content: json(AccessLogPage) }, ...problemResponses(400, 401) },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const rows = await listAccessLog(
        deps.db,
        c.get('citizen').citizenId,
        {
          serviceId: query.serviceId,
          purpose: query.purpose,
          category: query.category,
          decision: query.decision,
          types: query.type === undefined ? undefined : [query.type],
          from: query.from,
          to: query.to,
        },
        { before: decodeCursor(query.cursor), limit: query.limit + 1 },
      );
      c.header('Cache-Control', 'no-store');
      return c.json(await accessLogPage(deps.db, rows, query.limit, deps.sha256), 200);
    },
  );

  return r;
}
