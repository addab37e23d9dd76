/**
 * What a service does with its webhook endpoint: set or change the URL, rotate
 * the secret, remove the endpoint, and ask for a message to be delivered again. Each change
 * commits together with its audit event.
 */
import { newWebhookSecret } from '../crypto/webhook-signature.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import { isUuid, uuidv7 } from '../domain/ids.js';
import { checkWebhookUrl } from '../domain/webhook-url.js';
import type { AppDeps } from '../core/deps.js';
import { insertAuditEvent } from '../storage/audit-repo.js';
import type { Sql } from '../storage/db.js';
import { getMessageState, requeueMessage } from '../storage/webhook-deliveries-repo.js';
import {
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  insertWebhookEndpoint,
  rotateWebhookSecret,
  updateWebhookUrl,
  type WebhookEndpoint,
} from '../storage/webhook-endpoints-repo.js';

/** After a rotation the previous secret keeps signing (as a second signature) this long. */
export const SECRET_ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/** The service acting, as the service-token middleware identifies it. */
export interface WebhookActor {
  serviceId: string;
  clientId: string;
}

type Deps = Pick<AppDeps, 'db' | 'clock' | 'random'>;

async function audit(tx: Sql, deps: Deps, actor: WebhookActor, type: string, data: Record<string, unknown>, requestId?: string) {
  await insertAuditEvent(tx, {
    id: uuidv7(deps.clock, deps.random),
    type,
    actorType: 'service',
    actorId: actor.clientId,
    serviceId: actor.serviceId,
    requestId,
    data,
    createdAt: deps.clock.now(),
  });
}

/**
 * Sets the service's endpoint URL after the SSRF policy check (`webhook_url_refused`, 400).
 * The first time, a secret is created and returned — the only time it is shown; later calls
 * change the URL and keep the secret (`secret` is then undefined).
 */
export async function setWebhookEndpoint(
  deps: Deps,
  actor: WebhookActor,
  url: string,
  requestId?: string,
): Promise<{ endpoint: WebhookEndpoint; created: boolean; secret?: string }> {
  const checked = checkWebhookUrl(url);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const secret = newWebhookSecret(deps.random);
    const inserted = await insertWebhookEndpoint(tx, { serviceId: actor.serviceId, url: checked, secret, now });
    if (inserted) {
      await audit(tx, deps, actor, 'webhook.endpoint_created', { url: checked }, requestId);
      return { endpoint: inserted, created: true, secret };
    }
    const updated = await updateWebhookUrl(tx, actor.serviceId, checked, now);
    if (!updated) throw new ConflictError('conflict', 'The webhook endpoint was removed while this request was processed; try again.');
    await audit(tx, deps, actor, 'webhook.endpoint_updated', { url: checked }, requestId);
    return { endpoint: updated, created: false };
  });
}

/**
 * Replaces the secret with a new one, returned once. The old secret keeps signing a second
 * signature for {@link SECRET_ROTATION_OVERLAP_MS} so receivers can switch without losing
 * messages. NotFoundError when the service has no endpoint.
 */
export async function rotateSecret(deps: Deps, actor: WebhookActor, requestId?: string): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const now = deps.clock.now();
  const secret = newWebhookSecret(deps.random);
  return deps.db.transaction(async (tx) => {
    const endpoint = await rotateWebhookSecret(tx, actor.serviceId, secret, now, new Date(now.getTime() + SECRET_ROTATION_OVERLAP_MS));
    if (!endpoint) throw new NotFoundError('webhook endpoint');
    await audit(tx, deps, actor, 'webhook.secret_rotated', { previousSecretExpiresAt: endpoint.previousSecretExpiresAt?.toISOString() }, requestId);
    return { endpoint, secret };
  });
}

/**
 * Removes the endpoint and its secrets. Messages that fall due afterwards are not sent (the
 * events feed still has them). NotFoundError when there is none.
 */
export async function removeWebhookEndpoint(deps: Deps, actor: WebhookActor, requestId?: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    if (!(await deleteWebhookEndpoint(tx, actor.serviceId))) throw new NotFoundError('webhook endpoint');
    await audit(tx, deps, actor, 'webhook.endpoint_deleted', {}, requestId);
  });
}

/**
 * Queues one of the service's messages for a new delivery round, due now (whatever its
 * status: delivered, failed or never sent). NotFoundError for a message that is not this
 * service's; `webhook_not_configured` (409) when the service has no endpoint.
 */
export async function redeliverMessage(
  deps: Deps,
  actor: WebhookActor,
  messageId: string,
  requestId?: string,
): Promise<{ messageId: string; status: 'pending'; nextAttemptAt: Date }> {
  if (!isUuid(messageId)) throw new NotFoundError('message');
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    if (!(await getMessageState(tx, actor.serviceId, messageId))) throw new NotFoundError('message');
    if (!(await getWebhookEndpoint(tx, actor.serviceId))) {
      throw new ConflictError('webhook_not_configured', 'Set a webhook endpoint before asking for a redelivery.');
    }
    await requeueMessage(tx, { serviceId: actor.serviceId, messageId, now });
    await audit(tx, deps, actor, 'webhook.redelivery_requested', { messageId }, requestId);
    return { messageId, status: 'pending' as const, nextAttemptAt: now };
  });
}
