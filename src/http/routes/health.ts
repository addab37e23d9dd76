import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from '../router.js';
import type { AppDeps } from '../../core/deps.js';
import { UnavailableError } from '../../domain/errors.js';
import { checkReadiness } from '../../health/check-readiness.js';
import { witnessStatus } from '../../log/witness-status.js';
import { problemResponse, problemResponses } from '../problem.js';

const Health = z.object({ status: z.enum(['ok']) }).openapi('Health');
const WitnessStatus = z
  .object({
    name: z.string(),
    treeSize: z.string().nullable().openapi({ description: 'The size the witness last cosigned (decimal), if known.' }),
    lag: z.string().openapi({ description: 'Leaves of the latest published checkpoint it has not cosigned (decimal).' }),
    lastSuccessAt: z.string().nullable(),
    lastError: z.string().nullable(),
    failures: z.number().int(),
  })
  .openapi('WitnessStatus');
const Readiness = z
  .object({
    status: z.enum(['ok']),
    witnesses: z.array(WitnessStatus).optional().openapi({ description: 'With WITNESS_POLICY: each witness’s lag. A lagging witness does not make the process unready.' }),
  })
  .openapi('Readiness');

/** `/healthz` (the process is alive) and `/readyz` (this process can write now: a primary answers). */
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
      summary: 'Readiness: this process can write now',
      description:
        'A real round trip to a database server that accepts writes (a primary), at most once a second per process; ' +
        'meant for load balancers. `503` with `Retry-After` while the database is unreachable or read-only (e.g. during a failover). ' +
        '`/healthz` only says that the process is alive.',
      responses: {
        200: { description: 'Ready', content: { 'application/json': { schema: Readiness } } },
        ...problemResponses(),
      },
    }),
    async (c) => {
      const r = await checkReadiness(deps);
      // A problem with Retry-After (the documented 503 response), not a typed JSON body.
      if (!r.ready) return problemResponse(c, new UnavailableError(r.reason), { 'Retry-After': '5', 'Cache-Control': 'no-store' }) as never;
      const witnesses = await witnessStatus(deps, deps.db).catch(() => []);
      return c.json({ status: 'ok' as const, ...(witnesses.length ? { witnesses } : {}) }, 200, { 'Cache-Control': 'no-store' });
    },
  );
  return r;
}
