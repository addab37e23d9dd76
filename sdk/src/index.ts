/**
 * `@permis/sdk`: the TypeScript SDK of Permís. Typed clients generated from the OpenAPI
 * document for city services (`createServiceClient`), citizens, officers and admins, webhook
 * verification, and offline verification of receipts and the transparency log (also at
 * `@permis/sdk/verify`). Web-standard APIs only: Node ≥ 20.19, browsers, Workers.
 */
export { createServiceClient, type ServiceClient, type ServiceClientOptions, type CheckInput, type CheckResult, type ServiceEvent, type EventFeed, type EventFeedOptions, CHECK_BATCH_LIMIT, serviceOperations } from './clients/service.js';
export { createCitizenClient, type CitizenClient, type CreatePasskey, type UsePasskey, citizenOperations } from './clients/citizen.js';
export { createOfficerClient, type OfficerClient, officerOperations } from './clients/officer.js';
export { createAdminClient, type AdminClient, adminOperations } from './clients/admin.js';
export { createPublicClient, type PublicClient, publicOperations } from './clients/public.js';
export type { SessionClientOptions } from './clients/session-options.js';
export { ServiceTokenSource, type ServiceCredentials, type CachedToken, JWT_BEARER, TOKEN_PATH } from './auth/service-tokens.js';
export { PermisError, isPermisError, type PermisErrorCode, type ProblemCode, type ClientErrorCode, type Problem, type OAuthErrorBody } from './core/errors.js';
export type { FetchLike, RetryOptions, TransportOptions, Authenticator } from './core/transport.js';
export { isIdempotent } from './core/transport.js';
export type { RawClient } from './core/api.js';
export { Paginated, type Page, type ItemOf } from './core/paginate.js';
export { StreamedExport } from './core/stream.js';
export type { OperationKey } from './core/operations.js';
export type { Schemas, CallOptions, CreateOptions, TransitionOptions } from './core/types.js';
export { sdkOperations, wrappedOperations } from './operations.js';
export { verifyWebhook, WebhookError, type WebhookEvent, type WebhookEventType, type WebhookFailure, type HeadersLike } from './webhooks.js';
export * from './verify/index.js';
export type { paths, components } from './schema.js';
