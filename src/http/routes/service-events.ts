import { createRoute } from '@hono/zod-openapi';
import { b64url, fromB64, utf8 } from '@permis/sdk/encoding';
import { ValidationError } from '../../domain/errors.js';
import { listFeed, sequenceFeed, type FeedMessage } from '../../storage/webhook-feed.js';
import { newRouter } from '../router.js';
import { json as jsonContent } from '../json-content.js';
import type { AppDeps } from '../../core/deps.js';
import { serviceAuth, serviceSecurity } from '../middleware/service-auth.js';
import { problemResponses } from '../problem.js';
import { ServiceEventPage, ServiceEventQuery } from '../schemas/webhook.js';


/** Opaque cursor for the feed position `seq`. */
export const encodeFeedCursor = (seq: bigint): string => b64url(utf8(`feed:${seq}`));

/** The feed position a cursor stands for (0n without one); a cursor this API did not issue is a 400. */
export function decodeFeedCursor(cursor: string | undefined): bigint {
  if (cursor === undefined) return 0n;
  try {
    const m = /^feed:(0|[1-9]\d{0,18})$/.exec(new TextDecoder('utf-8', { fatal: true }).decode(fromB64(cursor)));
    if (m && BigInt(m[1]!) <= 9_223_372_036_854_775_807n) return BigInt(m[1]!);
  } catch {
    // fall through
  }
  throw new ValidationError('query.cursor: not a cursor this API issued', [{ field: 'query.cursor', message: 'invalid cursor' }]);
}

/** A feed message as the service sees it: its webhook body plus its id. */
const eventView = (m: FeedMessage) => ({
  id: m.id,
  type: m.eventType,
  timestamp: typeof m.payload.timestamp === 'string' ? m.payload.timestamp : m.createdAt.toISOString(),
  data: (m.payload.data && typeof m.payload.data === 'object' ? m.payload.data : {}) as Record<string, unknown>,
});

/**
 * `GET /v1/service/events` (scope `webhooks`): the service's events feed, the
 * reliable fallback for missed webhooks. Every message appears exactly once, in feed order;
 * see src/storage/webhook-feed.ts for why a cursor never skips a late-committing message.
 */
export function serviceEventRoutes(deps: AppDeps) {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/service/events',
      tags: ['service webhooks'],
      security: serviceSecurity('webhooks'),
      middleware: serviceAuth(deps, { scope: 'webhooks' }),
      summary: 'The events feed: every event of this service, in order',
      description:
        'Every event that was (or would have been) sent as a webhook, each exactly once, in a commit-safe order: an event ' +
        'appears only once its position is fixed, and a later page never holds an event that belongs before the cursor. ' +
        'Start without a cursor; keep the last `nextCursor` and poll with it for new events.',
      request: { query: ServiceEventQuery },
      responses: { 200: { description: 'A page of events', content: jsonContent(ServiceEventPage) }, ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const after = decodeFeedCursor(q.cursor);
      // Number what has committed since the last job tick (a no-op when another replica is at it).
      await sequenceFeed(deps.db);
      const rows = await listFeed(deps.db, { serviceId: c.get('service').serviceId, after, limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      const last = page.length ? page[page.length - 1]!.feedSeq : after;
      return c.json({ items: page.map(eventView), nextCursor: encodeFeedCursor(last), hasMore: rows.length > q.limit }, 200);
    },
  );
  return r;
}
