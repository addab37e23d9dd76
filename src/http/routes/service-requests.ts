import { createRoute } from '@hono/zod-openapi';
import { cancelRequest } from '../../consent/decide-request.js';
import { createRequest } from '../../consent/create-request.js';
import { b64url, sha256 } from '@permis/sdk/encoding';
import { NotFoundError } from '../../domain/errors.js';
import { idempotent } from '../../storage/idempotency.js';
import { findServiceRequest, listServiceRequests, type RequestRow } from '../../storage/requests-repo.js';
import { newRouter } from '../router.js';
import { json } from '../json-content.js';
import type { AppDeps } from '../../core/deps.js';
import { serviceAuth, serviceSecurity } from '../middleware/service-auth.js';
import { problemResponses } from '../problem.js';
import { decodeCursor, pageOf } from '../../domain/cursor.js';
import { IdempotencyHeader } from '../schemas/common.js';
import { ConsentIdParam } from '../schemas/consent.js';
import { ConsentRequest, ConsentRequestPage, CreateRequestBody, ListRequestsQuery } from '../schemas/request.js';
import { requestView } from '../../consent/request-view.js';


/** A city service's consent requests: create, list, read, cancel — only its own. */
export function serviceRequestRoutes(deps: AppDeps) {
  const r = newRouter();
  const tags = ['service requests'];
  const auth = serviceAuth(deps, { scope: 'consents:request' });
  const view = (row: RequestRow) => requestView(row, deps.clock.now(), deps.config.publicUrl);

  r.openapi(
    createRoute({
      method: 'post',
      path: '/v1/requests',
      tags,
      security: serviceSecurity('consents:request'),
      middleware: auth,
      summary: 'Ask a citizen for consent; send them the approvalUrl',
      request: { headers: IdempotencyHeader, body: { content: json(CreateRequestBody), required: true } },
      responses: { 201: { description: 'Created', content: json(ConsentRequest) }, ...problemResponses(400, 401, 403, 409, 422) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { serviceId } = c.get('service');
      const key = c.req.valid('header')['idempotency-key'];
      const idem = key ? { scope: `service:${serviceId}:request`, key, requestHash: b64url(await sha256(JSON.stringify(body))) } : undefined;
      const result = await deps.db.transaction((tx) =>
        idempotent(tx, idem, deps.clock.now(), async () => {
          const row = await createRequest(tx, deps, { serviceId, ...body, httpRequestId: c.get('requestId') });
          return { status: 201, body: view(row) };
        }),
      );
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      c.header('Location', `/v1/requests/${result.body.id}`);
      return c.json(result.body, 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/requests',
      tags,
      security: serviceSecurity('consents:request'),
      middleware: auth,
      summary: 'List my requests, newest first',
      request: { query: ListRequestsQuery },
      responses: { 200: { description: 'A page of requests', content: json(ConsentRequestPage) }, ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const rows = await listServiceRequests(deps.db, {
        serviceId: c.get('service').serviceId,
        status: q.status,
        subjectRef: q.subjectRef,
        before: decodeCursor(q.cursor),
        limit: q.limit + 1,
      });
      return c.json(pageOf(rows, q.limit, view), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/requests/{id}',
      tags,
      security: serviceSecurity('consents:request'),
      middleware: auth,
      summary: 'Read one of my requests',
      request: { params: ConsentIdParam },
      responses: { 200: { description: 'The request', content: json(ConsentRequest) }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const row = await findServiceRequest(deps.db, c.get('service').serviceId, c.req.valid('param').id);
      if (!row) throw new NotFoundError('request');
      return c.json(view(row), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/v1/requests/{id}/cancel',
      tags,
      security: serviceSecurity('consents:request'),
      middleware: auth,
      summary: 'Cancel one of my pending requests',
      request: { params: ConsentIdParam },
      responses: { 200: { description: 'Cancelled', content: json(ConsentRequest) }, ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { serviceId } = c.get('service');
      const row = await deps.db.transaction(async (tx) => {
        const found = await findServiceRequest(tx, serviceId, c.req.valid('param').id, true);
        if (!found) throw new NotFoundError('request');
        return cancelRequest(tx, deps, serviceId, found, c.get('requestId'));
      });
      return c.json(view(row), 200);
    },
  );
  return r;
}
