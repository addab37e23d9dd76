/**
 * Standard Webhooks signing (https://www.standardwebhooks.com) through the
 * `standardwebhooks` package: secrets, and the three headers of a signed delivery.
 */
import { Webhook } from 'standardwebhooks';
import { b64 } from '@permis/sdk/encoding';
import type { Random } from '../domain/runtime.js';
import { InternalError } from '../domain/errors.js';

/** Prefix of a Standard Webhooks symmetric secret. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A new secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks "Signature scheme"). */
export function newWebhookSecret(random: Random): string {
  return WEBHOOK_SECRET_PREFIX + b64(random.bytes(32));
}

/** The headers of one signed delivery. */
export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs `body` for delivery: `webhook-id` is the message id (the same on every retry),
 * `webhook-timestamp` the attempt time in Unix seconds, and `webhook-signature` one `v1,…`
 * HMAC-SHA256 signature per secret, space-separated (the spec allows several, which is how a
 * receiver keeps working across a secret rotation). The first secret is the current one.
 */
export function signWebhook(msg: { id: string; timestamp: Date; body: string; secrets: readonly string[] }): WebhookHeaders {
  if (msg.secrets.length === 0) throw new InternalError('invalid_argument', 'signWebhook needs at least one secret');
  const signatures = msg.secrets.map((s) => new Webhook(s).sign(msg.id, msg.timestamp, msg.body));
  return {
    'webhook-id': msg.id,
    'webhook-timestamp': String(Math.floor(msg.timestamp.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
