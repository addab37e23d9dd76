import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from '../router.js';
import type { AppDeps } from '../../core/deps.js';
import { problemResponses } from '../problem.js';

const Health = z.object({ status: z.enum(['ok']) }).openapi('Health');

/** `/healthz` (process is up) and `/readyz` (the database answers). */
export function healthRoutes(deps: AppDeps) {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags: ['operations'],
      summary: 'Liveness: the process answers',
      responses: { 200: { description: 'Alive', content: { 'application/json': { schema: Health } } } },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );
  r.openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      tags: ['operations'],
      summary: 'Readiness: the database answers',
      responses: {
        200: { description: 'Ready', content: { 'application/json': { schema: Health } } },
        ...problemResponses(),
      },
    }),
    async (c) => {
      await deps.db.query('select 1');
      return c.json({ status: 'ok' as const }, 200);
    },
  );
  return r;
}
