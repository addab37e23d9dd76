/** Request and response schemas of the service-facing webhook and events-feed API. */
import { z } from '@hono/zod-openapi';
import { MAX_WEBHOOK_URL_LENGTH } from '../../domain/webhook-url.js';
import { Uuid } from '../../web/schema-fields.js';

const Instant = z.string().openapi({ format: 'date-time', example: '2026-11-05T10:15:00.000Z' });

/** Body of `PUT /v1/service/webhook`. */
export const WebhookEndpointBody = z
  .object({
    url: z
      .string()
      .min(1)
      .max(MAX_WEBHOOK_URL_LENGTH)
      .openapi({
        description:
          'Where Permís POSTs events: https, or http only for localhost, 127.0.0.1 and [::1]. Literal IP addresses in private, ' +
          'link-local, shared or multicast ranges are refused (`webhook_url_refused`); host names are not resolved and checked. ' +
          'Redirects are never followed.',
        example: 'https://ajuts.example.cat/hooks/permis',
      }),
  })
  .strict()
  .openapi('WebhookEndpointBody');

/** A service's endpoint as shown to it (never with a secret). */
export const WebhookEndpointView = z
  .object({
    url: z.string(),
    createdAt: Instant,
    updatedAt: Instant,
    secretRotatedAt: Instant.nullable(),
    previousSecretExpiresAt: Instant.nullable().openapi({
      description: 'Until then every delivery carries a second signature made with the previous secret.',
    }),
  })
  .strict()
  .openapi('WebhookEndpoint');

/** The endpoint with its secret: only in the answer that created it or rotated the secret. */
export const WebhookEndpointWithSecret = WebhookEndpointView.extend({
  secret: z.string().openapi({
    description: 'The Standard Webhooks signing secret (`whsec_` + base64 of 32 bytes). Shown only now: store it.',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  }),
})
  .strict()
  .openapi('WebhookEndpointWithSecret');

/** One attempt of the delivery log. */
export const WebhookDelivery = z
  .object({
    id: Uuid,
    messageId: Uuid.openapi({ description: 'The `webhook-id` of the message: the same on every attempt.' }),
    eventType: z.string().openapi({ example: 'consent.withdrawn' }),
    attempt: z.number().int().openapi({ description: 'Attempt number within the current delivery round (a redelivery starts a new round).' }),
    url: z.string(),
    attemptedAt: Instant,
    durationMs: z.number().int(),
    statusCode: z.number().int().nullable().openapi({ description: 'HTTP status of the answer; null when none arrived.' }),
    error: z.string().nullable().openapi({ description: 'Network error or timeout; null when an answer arrived.' }),
    outcome: z.enum(['delivered', 'retrying', 'failed']).openapi({ description: '`failed`: this was the last attempt, delivery gave up.' }),
    nextAttemptAt: Instant.nullable(),
  })
  .strict()
  .openapi('WebhookDelivery');

/** A page of the delivery log. */
export const WebhookDeliveryPage = z
  .object({ items: z.array(WebhookDelivery), nextCursor: z.string().nullable() })
  .strict()
  .openapi('WebhookDeliveryPage');

/** Query of the delivery log. */
export const WebhookDeliveryQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ param: { name: 'limit', in: 'query' } }),
    cursor: z.string().max(200).optional().openapi({ param: { name: 'cursor', in: 'query' } }),
    messageId: Uuid.optional().openapi({ param: { name: 'messageId', in: 'query' }, description: 'Only the attempts of this message.' }),
  })
  .strict();

/** Path of a redelivery. */
export const MessageIdParam = z.object({
  messageId: Uuid.openapi({ param: { name: 'messageId', in: 'path' }, description: 'The `webhook-id` of the message.' }),
});

/** Answer of a redelivery request. */
export const WebhookRedelivery = z
  .object({
    messageId: Uuid,
    status: z.literal('pending'),
    nextAttemptAt: Instant,
  })
  .strict()
  .openapi('WebhookRedelivery');

/** One event of the feed: exactly the body its webhook carries, plus its id. */
export const ServiceEvent = z
  .object({
    id: Uuid.openapi({ description: 'The message id, equal to the `webhook-id` of its webhook.' }),
    type: z.string().openapi({ example: 'consent.granted' }),
    timestamp: Instant,
    data: z.record(z.string(), z.unknown()),
  })
  .strict()
  .openapi('ServiceEvent');

/** A page of the events feed. */
export const ServiceEventPage = z
  .object({
    items: z.array(ServiceEvent),
    nextCursor: z.string().openapi({
      description: 'Pass back as `cursor` to continue after the last item. Always present: on the last page it is where new events will appear.',
    }),
    hasMore: z.boolean().openapi({ description: 'True when more events are available right now.' }),
  })
  .strict()
  .openapi('ServiceEventPage');

/** Query of the events feed. */
export const ServiceEventQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100).openapi({ param: { name: 'limit', in: 'query' } }),
    cursor: z.string().max(200).optional().openapi({ param: { name: 'cursor', in: 'query' } }),
  })
  .strict();
