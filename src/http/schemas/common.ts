import { z } from '@hono/zod-openapi';

/** `limit` and `cursor` query parameters for cursor pagination. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z.string().max(200).optional().openapi({ param: { name: 'cursor', in: 'query' } }),
});

/** `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): makes a retried creating POST safe. */
export const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .optional()
    .openapi({ param: { in: 'header' }, description: 'Makes a retried POST safe: the first response is replayed.' }),
});

