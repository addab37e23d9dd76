/**
 * The client for city services: `private_key_jwt` tokens handled for you, consent requests,
 * the check (one or many), the service's consents, revocation, the events feed and webhooks.
 */
import { ServiceTokenSource, type ServiceCredentials } from '../auth/service-tokens.js';
import { createApi, expectShape, newIdempotencyKey, type RawClient, unwrap } from '../core/api.js';
import type { OperationMap } from '../core/operations.js';
import { Paginated } from '../core/paginate.js';
import type { TransportOptions } from '../core/transport.js';
import { type BodyOf, type CallOptions, type CreateOptions, type QueryOf, type Schemas } from '../core/types.js';
import { type HeadersLike, verifyWebhook, type WebhookEvent } from '../webhooks.js';
import { createPublicClient, type PublicClient } from './public.js';

/** Options of `createServiceClient`. */
export interface ServiceClientOptions extends TransportOptions, Omit<ServiceCredentials, 'now'> {
  /** Clock in ms (default `Date.now`), for tests. */
  now?: () => number;
}

/** Items per `POST /v1/check/batch` (the API's limit). */
export const CHECK_BATCH_LIMIT = 1000;

/** What a check asks: may this service use these data of this person for this purpose? */
export type CheckInput = Schemas['CheckRequest'];
/** The answer: `permit`, or `deny` with a reason. */
export type CheckResult = Schemas['CheckResult'];
/** One event of the service's feed. */
export type ServiceEvent = Schemas['ServiceEvent'];

/** The operations the service client wraps (checked against the OpenAPI document). */
export const serviceOperations = {
  accessToken: 'POST /v1/oauth/token',
  requestConsent: 'POST /v1/requests',
  listRequests: 'GET /v1/requests',
  getRequest: 'GET /v1/requests/{id}',
  cancelRequest: 'POST /v1/requests/{id}/cancel',
  check: 'POST /v1/check',
  checkMany: 'POST /v1/check/batch',
  listConsents: 'GET /v1/service/consents',
  getConsent: 'GET /v1/service/consents/{id}',
  getConsentReceipts: 'GET /v1/service/consents/{id}/receipts',
  revokeConsent: 'POST /v1/service/consents/{id}/revoke',
  requestRenewal: 'POST /v1/service/consents/{id}/renewal-request',
  setWebhook: 'PUT /v1/service/webhook',
  getWebhook: 'GET /v1/service/webhook',
  deleteWebhook: 'DELETE /v1/service/webhook',
  rotateWebhookSecret: 'POST /v1/service/webhook/rotate-secret',
  listWebhookDeliveries: 'GET /v1/service/webhook/deliveries',
  redeliverWebhook: 'POST /v1/service/webhook/deliveries/{messageId}/redeliver',
  events: 'GET /v1/service/events',
} as const satisfies OperationMap;

/** Options of the events feed. */
export interface EventFeedOptions extends CallOptions {
  /** Resume after this cursor (from `feed.cursor` of an earlier run); default: from the beginning. */
  cursor?: string;
  /** Events per page (1–500). */
  limit?: number;
  /** Keep waiting for new events when caught up (default false: stop at the end). */
  follow?: boolean;
  /** Poll interval in ms while following (default 2000). */
  pollIntervalMs?: number;
}

/** The events feed: iterate it; `cursor` is where to resume (persist it after handling events). */
export interface EventFeed extends AsyncIterable<ServiceEvent> {
  /** The cursor after the last event yielded (undefined before the first page). */
  readonly cursor: string | undefined;
}

const wait = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });

/**
 * Creates a client for a city service. It gets `private_key_jwt` access tokens (RFC 7523) with
 * `privateKey`, caches them, renews them before they expire and once after a 401.
 */
export function createServiceClient(opts: ServiceClientOptions) {
  const tokenApi = createApi(opts);
  const tokens = new ServiceTokenSource(opts, tokenApi);
  const { raw } = createApi(opts, tokens);
  const pub = createPublicClient(opts);

  const checkBatch = async (items: CheckInput[], o?: CallOptions): Promise<CheckResult[]> => {
    const data = await unwrap(raw.POST('/v1/check/batch', { body: { items }, signal: o?.signal }));
    expectShape(Array.isArray(data?.results) && data.results.length === items.length, `${items.length} check results`);
    return data.results;
  };

  const client = {
    /** The raw typed client (openapi-fetch) with this service's authentication. */
    raw: raw as RawClient,
    /** Public, unauthenticated operations: catalogue, services, keys, the log. */
    public: pub as PublicClient,

    /** A valid access token (cached; renewed before expiry). */
    async accessToken(): Promise<string> {
      return (await tokens.token()).accessToken;
    },

    /** `POST /v1/requests`: asks a person for consent; send them to `approvalUrl`. Idempotent. */
    requestConsent(body: BodyOf<'/v1/requests', 'post'>, o?: CreateOptions) {
      return unwrap(raw.POST('/v1/requests', { body, params: { header: { 'idempotency-key': o?.idempotencyKey ?? newIdempotencyKey() } }, signal: o?.signal }));
    },
    /** `GET /v1/requests`: every request of this service, newest first. */
    listRequests(query: QueryOf<'/v1/requests', 'get'> = {}, o?: CallOptions) {
      return new Paginated((cursor) => unwrap(raw.GET('/v1/requests', { params: { query: { ...query, cursor } }, signal: o?.signal })));
    },
    /** `GET /v1/requests/{id}`. */
    getRequest(id: string, o?: CallOptions) {
      return unwrap(raw.GET('/v1/requests/{id}', { params: { path: { id } }, signal: o?.signal }));
    },
    /** `POST /v1/requests/{id}/cancel`: withdraws a pending request. */
    cancelRequest(id: string, o?: CallOptions) {
      return unwrap(raw.POST('/v1/requests/{id}/cancel', { params: { path: { id } }, signal: o?.signal }));
    },

    /** `POST /v1/check`: may this service use these data now? Every check is logged. */
    async check(input: CheckInput, o?: CallOptions): Promise<CheckResult> {
      const data = await unwrap(raw.POST('/v1/check', { body: input, signal: o?.signal }));
      expectShape(data?.decision === 'permit' || data?.decision === 'deny', 'a check result');
      return data;
    },
    /** Many checks: batches of at most 1,000 (`POST /v1/check/batch`), results in the order asked. */
    async checkMany(items: readonly CheckInput[], o?: CallOptions): Promise<CheckResult[]> {
      const out: CheckResult[] = [];
      for (let i = 0; i < items.length; i += CHECK_BATCH_LIMIT) out.push(...(await checkBatch(items.slice(i, i + CHECK_BATCH_LIMIT), o)));
      return out;
    },

    /** `GET /v1/service/consents`: this service's consents, by subjectRef and status. */
    listConsents(query: QueryOf<'/v1/service/consents', 'get'> = {}, o?: CallOptions) {
      return new Paginated((cursor) => unwrap(raw.GET('/v1/service/consents', { params: { query: { ...query, cursor } }, signal: o?.signal })));
    },
    /** `GET /v1/service/consents/{id}`. */
    getConsent(id: string, o?: CallOptions) {
      return unwrap(raw.GET('/v1/service/consents/{id}', { params: { path: { id } }, signal: o?.signal }));
    },
    /** `GET /v1/service/consents/{id}/receipts`: the signed receipts, oldest first (verify with `verifyReceiptChain`). */
    async getConsentReceipts(id: string, o?: CallOptions) {
      return (await unwrap(raw.GET('/v1/service/consents/{id}/receipts', { params: { path: { id } }, signal: o?.signal }))).items;
    },
    /** `POST /v1/service/consents/{id}/revoke`: ends a consent on the service's side (status `revoked`). */
    revokeConsent(id: string, body: BodyOf<'/v1/service/consents/{id}/revoke', 'post'>, o?: CallOptions) {
      return unwrap(raw.POST('/v1/service/consents/{id}/revoke', { params: { path: { id } }, body, signal: o?.signal }));
    },

    /**
     * `POST /v1/service/consents/{id}/renewal-request`: asks the person to renew a consent that
     * ends within 60 days; they renew (`consent.renewed`) or decline (`consent.renewal_declined`).
     */
    requestRenewal(id: string, o?: CallOptions) {
      return unwrap(raw.POST('/v1/service/consents/{id}/renewal-request', { params: { path: { id } }, signal: o?.signal }));
    },

    /** `PUT /v1/service/webhook`: sets the endpoint; the answer carries the secret when it is new. */
    async setWebhook(url: string, o?: CallOptions): Promise<Schemas['WebhookEndpoint'] & { secret?: string }> {
      return unwrap(raw.PUT('/v1/service/webhook', { body: { url }, signal: o?.signal }));
    },
    /** `GET /v1/service/webhook`. */
    getWebhook(o?: CallOptions) {
      return unwrap(raw.GET('/v1/service/webhook', { signal: o?.signal }));
    },
    /** `DELETE /v1/service/webhook`: stops deliveries. */
    async deleteWebhook(o?: CallOptions): Promise<void> {
      await unwrap(raw.DELETE('/v1/service/webhook', { signal: o?.signal }));
    },
    /** `POST /v1/service/webhook/rotate-secret`: a new secret; the old one keeps signing for 24 h. */
    rotateWebhookSecret(o?: CallOptions) {
      return unwrap(raw.POST('/v1/service/webhook/rotate-secret', { signal: o?.signal }));
    },
    /** `GET /v1/service/webhook/deliveries`: the delivery log. */
    listWebhookDeliveries(query: QueryOf<'/v1/service/webhook/deliveries', 'get'> = {}, o?: CallOptions) {
      return new Paginated((cursor) => unwrap(raw.GET('/v1/service/webhook/deliveries', { params: { query: { ...query, cursor } }, signal: o?.signal })));
    },
    /** `POST /v1/service/webhook/deliveries/{messageId}/redeliver`: sends a message again. */
    redeliverWebhook(messageId: string, o?: CallOptions) {
      return unwrap(raw.POST('/v1/service/webhook/deliveries/{messageId}/redeliver', { params: { path: { messageId } }, signal: o?.signal }));
    },
    /** Verifies a webhook with the endpoint's secret (see `verifyWebhook`). */
    verifyWebhook(payload: string | Uint8Array, headers: HeadersLike, secret: string): WebhookEvent {
      return verifyWebhook(payload, headers, secret);
    },

    /**
     * `GET /v1/service/events`: every event of this service in commit order, from `cursor` on;
     * the reliable fallback for missed webhooks. With `follow`, waits for new events.
     */
    events(o: EventFeedOptions = {}): EventFeed {
      let cursor = o.cursor;
      return {
        get cursor() {
          return cursor;
        },
        async *[Symbol.asyncIterator]() {
          for (;;) {
            const page = await unwrap(
              raw.GET('/v1/service/events', { params: { query: { ...(cursor ? { cursor } : {}), ...(o.limit ? { limit: o.limit } : {}) } }, signal: o.signal }),
            );
            expectShape(Array.isArray(page?.items) && typeof page.nextCursor === 'string', 'an events page');
            for (const event of page.items) yield event;
            cursor = page.nextCursor;
            if (page.hasMore) continue;
            if (!o.follow) return;
            await wait(o.pollIntervalMs ?? 2000, o.signal);
          }
        },
      };
    },
  };
  return client;
}

/** A client for a city service (see `createServiceClient`). */
export type ServiceClient = ReturnType<typeof createServiceClient>;
