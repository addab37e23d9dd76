import { createRoute, z } from '@hono/zod-openapi';
import { transitionConsent } from '../../consent/transition-consent.js';
import { consentStatuses } from '../../domain/consent.js';
import { NotFoundError } from '../../domain/errors.js';
import { findServiceConsent, listConsents, listReceipts } from '../../storage/consents-repo.js';
import { newRouter } from '../router.js';
import { json } from '../json-content.js';
import type { AppDeps } from '../../core/deps.js';
import { serviceAuth, serviceSecurity } from '../middleware/service-auth.js';
import { problemResponses } from '../problem.js';
import { decodeCursor, pageOf } from '../../domain/cursor.js';
import { PageQuery } from '../schemas/common.js';
import { Consent, ConsentIdParam, ConsentPage, ConsentWithReceipt, Receipt } from '../schemas/consent.js';
import { SubjectRef } from '../../web/schema-fields.js';
import { consentView, receiptView } from '../../consent/consent-view.js';


const ServiceListQuery = PageQuery.extend({
  subjectRef: SubjectRef.optional().openapi({ param: { in: 'query' } }),
  status: z.enum(consentStatuses).optional().openapi({ param: { in: 'query' } }),
}).strict();

const RevokeBody = z.object({ reason: z.string().min(1).max(500) }).strict().openapi('RevokeConsent');

/** A service's own view of its consents: list (by subjectRef, by status), read, receipts, revoke. */
export function serviceConsentRoutes(deps: AppDeps) {
  const r = newRouter();
  const tags = ['service consents'];
  const read = { tags, security: serviceSecurity('consents:read'), middleware: serviceAuth(deps, { scope: 'consents:read' }) };

  r.openapi(
    createRoute({
      ...read,
      method: 'get',
      path: '/v1/service/consents',
      summary: 'List my consents, newest first, by subjectRef and status',
      request: { query: ServiceListQuery },
      responses: { 200: { description: 'A page of consents', content: json(ConsentPage) }, ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const now = deps.clock.now();
      const rows = await listConsents(deps.db, {
        serviceId: c.get('service').serviceId,
        subjectRef: q.subjectRef,
        status: q.status,
        before: decodeCursor(q.cursor),
        limit: q.limit + 1,
        now,
      });
      return c.json(pageOf(rows, q.limit, (row) => consentView(row, now)), 200);
    },
  );

  r.openapi(
    createRoute({
      ...read,
      method: 'get',
      path: '/v1/service/consents/{id}',
      summary: 'Read one of my consents',
      request: { params: ConsentIdParam },
      responses: { 200: { description: 'The consent', content: json(Consent) }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const row = await findServiceConsent(deps.db, c.get('service').serviceId, c.req.valid('param').id);
      if (!row) throw new NotFoundError('consent');
      c.header('ETag', `"${row.revision}"`);
      return c.json(consentView(row, deps.clock.now()), 200);
    },
  );

  r.openapi(
    createRoute({
      ...read,
      method: 'get',
      path: '/v1/service/consents/{id}/receipts',
      summary: 'The signed receipts of one of my consents',
      request: { params: ConsentIdParam },
      responses: {
        200: { description: 'Every receipt, oldest first', content: json(z.object({ items: z.array(Receipt) }).openapi('ServiceReceiptList')) },
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      if (!(await findServiceConsent(deps.db, c.get('service').serviceId, id))) throw new NotFoundError('consent');
      return c.json({ items: (await listReceipts(deps.db, id)).map(receiptView) }, 200);
    },
  );

  r.openapi(
    createRoute({
      tags,
      security: serviceSecurity('consents:revoke'),
      middleware: serviceAuth(deps, { scope: 'consents:revoke' }),
      method: 'post',
      path: '/v1/service/consents/{id}/revoke',
      summary: 'Revoke one of my consents (status revoked; the citizen sees it in the history)',
      request: { params: ConsentIdParam, body: { content: json(RevokeBody), required: true } },
      responses: { 200: { description: 'Revoked', content: json(ConsentWithReceipt) }, ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { serviceId } = c.get('service');
      const { consent, receipt } = await deps.db.transaction((tx) =>
        transitionConsent(tx, deps, {
          consentId: c.req.valid('param').id,
          action: 'revoke',
          serviceId,
          actor: { type: 'service', id: serviceId },
          reason: c.req.valid('json').reason,
          requestId: c.get('requestId'),
        }),
      );
      return c.json({ consent: consentView(consent, deps.clock.now()), receipt: receiptView(receipt) }, 200);
    },
  );
  return r;
}
