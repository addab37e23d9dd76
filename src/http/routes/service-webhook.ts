import { createRoute, z } from '@hono/zod-openapi';
import { NotFoundError } from '../../domain/errors.js';
import { listDeliveries, type DeliveryAttempt } from '../../storage/webhook-deliveries-repo.js';
import { getWebhookEndpoint, type WebhookEndpoint } from '../../storage/webhook-endpoints-repo.js';
import { redeliverMessage, removeWebhookEndpoint, rotateSecret, setWebhookEndpoint } from '../../webhooks/manage-endpoint.js';
import { newRouter } from '../router.js';
import { json as jsonContent } from '../json-content.js';
import type { AppDeps } from '../../core/deps.js';
import { serviceAuth, serviceSecurity } from '../middleware/service-auth.js';
import { problemResponses } from '../problem.js';
import { decodeCursor, encodeCursor } from '../../domain/cursor.js';
import {
  MessageIdParam,
  WebhookDeliveryPage,
  WebhookDeliveryQuery,
  WebhookEndpointBody,
  WebhookEndpointView,
  WebhookEndpointWithSecret,
  WebhookRedelivery,
} from '../schemas/webhook.js';

const tags = ['service webhooks'];

/** The endpoint as the service sees it: never a secret. */
export const endpointView = (e: WebhookEndpoint): z.infer<typeof WebhookEndpointView> => ({
  url: e.url,
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
  secretRotatedAt: e.secretRotatedAt?.toISOString() ?? null,
  previousSecretExpiresAt: e.previousSecretExpiresAt?.toISOString() ?? null,
});

const deliveryView = (d: DeliveryAttempt) => ({
  id: d.id,
  messageId: d.messageId,
  eventType: d.eventType,
  attempt: d.attempt,
  url: d.url,
  attemptedAt: d.attemptedAt.toISOString(),
  durationMs: d.durationMs,
  statusCode: d.statusCode,
  error: d.error,
  outcome: d.outcome,
  nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
});

/**
 * Service routes (scope `webhooks`) for its webhook endpoint: set, read, rotate
 * the secret, remove; the delivery log; manual redelivery. A service only ever sees its own.
 */
export function serviceWebhookRoutes(deps: AppDeps) {
  const r = newRouter();
  const auth = { tags, security: serviceSecurity('webhooks'), middleware: serviceAuth(deps, { scope: 'webhooks' }) };

  r.openapi(
    createRoute({
      method: 'put',
      path: '/v1/service/webhook',
      ...auth,
      summary: 'Set the webhook endpoint URL',
      description:
        'The first call creates the endpoint and answers 201 with its signing secret — the only time the secret is shown. ' +
        'Later calls change the URL (200) and keep the secret; if the 201 answer was lost, rotate the secret to get a new one.',
      request: { body: { content: jsonContent(WebhookEndpointBody), required: true } },
      responses: {
        200: { description: 'URL changed', content: jsonContent(WebhookEndpointView) },
        201: { description: 'Endpoint created; store the secret now', content: jsonContent(WebhookEndpointWithSecret) },
        ...problemResponses(400, 401, 403, 409),
      },
    }),
    async (c) => {
      const result = await setWebhookEndpoint(deps, c.get('service'), c.req.valid('json').url, c.get('requestId'));
      if (result.created) return c.json({ ...endpointView(result.endpoint), secret: result.secret! }, 201);
      return c.json(endpointView(result.endpoint), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/service/webhook',
      ...auth,
      summary: 'Read the webhook endpoint (without its secret)',
      responses: { 200: { description: 'The endpoint', content: jsonContent(WebhookEndpointView) }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const endpoint = await getWebhookEndpoint(deps.db, c.get('service').serviceId);
      if (!endpoint) throw new NotFoundError('webhook endpoint');
      return c.json(endpointView(endpoint), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/v1/service/webhook/rotate-secret',
      ...auth,
      summary: 'Replace the signing secret',
      description:
        'Answers the new secret, shown only now. For 24 hours every delivery carries two signatures in `webhook-signature`: ' +
        'one with the new secret and one with the previous, so the receiver can switch at its own pace.',
      responses: { 200: { description: 'Rotated', content: jsonContent(WebhookEndpointWithSecret) }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const { endpoint, secret } = await rotateSecret(deps, c.get('service'), c.get('requestId'));
      return c.json({ ...endpointView(endpoint), secret }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/service/webhook',
      ...auth,
      summary: 'Remove the webhook endpoint and its secrets',
      description: 'Events are no longer sent; the events feed still has every one.',
      responses: { 204: { description: 'Removed' }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      await removeWebhookEndpoint(deps, c.get('service'), c.get('requestId'));
      return c.body(null, 204);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/service/webhook/deliveries',
      ...auth,
      summary: 'The delivery log, newest attempt first',
      request: { query: WebhookDeliveryQuery },
      responses: { 200: { description: 'A page of attempts', content: jsonContent(WebhookDeliveryPage) }, ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const rows = await listDeliveries(deps.db, {
        serviceId: c.get('service').serviceId,
        messageId: q.messageId,
        before: decodeCursor(q.cursor),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const nextCursor = rows.length > q.limit ? encodeCursor(page[page.length - 1]!.id) : null;
      return c.json({ items: page.map(deliveryView), nextCursor }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/v1/service/webhook/deliveries/{messageId}/redeliver',
      ...auth,
      summary: 'Deliver a message again',
      description:
        'Queues the message (any status) for a new delivery round with the same `webhook-id`, due now; the attempts appear in the delivery log.',
      request: { params: MessageIdParam },
      responses: { 202: { description: 'Queued', content: jsonContent(WebhookRedelivery) }, ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const out = await redeliverMessage(deps, c.get('service'), c.req.valid('param').messageId, c.get('requestId'));
      return c.json({ messageId: out.messageId, status: out.status, nextAttemptAt: out.nextAttemptAt.toISOString() }, 202);
    },
  );

  return r;
}
