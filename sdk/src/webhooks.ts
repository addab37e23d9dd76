/**
 * Verifying webhooks (Standard Webhooks, standardwebhooks.com) that Permís sends to a service:
 * the signature over `webhook-id`, `webhook-timestamp` and the raw body, with the endpoint's
 * `whsec_…` secret, and a timestamp within five minutes.
 */
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { VerificationError } from './verify/verification-error.js';

/** Event types Permís sends. */
export type WebhookEventType =
  | 'consent.granted'
  | 'consent.updated'
  | 'consent.paused'
  | 'consent.resumed'
  | 'consent.withdrawn'
  | 'consent.revoked'
  | 'consent.expired'
  | 'consent.renewed'
  | 'consent.renewal_declined'
  | 'request.approved'
  | 'request.rejected'
  | 'request.expired';

/** A verified webhook payload. */
export interface WebhookEvent {
  type: WebhookEventType | (string & {});
  timestamp: string;
  data: Record<string, unknown> & { subjectRef?: string; consentId?: string; requestId?: string };
}

/** Why a webhook was refused. */
export type WebhookFailure = 'missing_headers' | 'signature_invalid' | 'malformed_payload';

/** A refused webhook; answer it with 400 and do not act on it. */
export class WebhookError extends VerificationError<WebhookFailure> {
  constructor(reason: WebhookFailure, message: string) {
    super(reason, message);
    this.name = 'WebhookError';
  }
}

/** Headers as a Fetch `Headers`, or a plain object (e.g. Node's `req.headers`). */
export type HeadersLike = Headers | Record<string, string | string[] | undefined>;

function headerRecord(headers: HeadersLike): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    headers.forEach((v, k) => (out[k.toLowerCase()] = v));
    return out;
  }
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/**
 * Verifies a webhook from Permís: `payload` is the raw request body (exactly as received),
 * `headers` the request headers, `secret` the endpoint's `whsec_…` secret. Returns the event;
 * throws WebhookError (`missing_headers`, `signature_invalid`, `malformed_payload`) otherwise.
 * During a secret rotation, either secret verifies (the server signs with both).
 */
export function verifyWebhook(payload: string | Uint8Array, headers: HeadersLike, secret: string): WebhookEvent {
  const h = headerRecord(headers);
  if (!h['webhook-id'] || !h['webhook-timestamp'] || !h['webhook-signature']) {
    throw new WebhookError('missing_headers', 'webhook-id, webhook-timestamp and webhook-signature are required');
  }
  const body = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
  let event: unknown;
  try {
    event = new Webhook(secret).verify(body, h);
  } catch (err) {
    if (err instanceof WebhookVerificationError) throw new WebhookError('signature_invalid', err.message);
    throw new WebhookError('malformed_payload', (err as Error).message);
  }
  const e = event as Partial<WebhookEvent> | null;
  if (!e || typeof e.type !== 'string' || typeof e.data !== 'object' || e.data === null) {
    throw new WebhookError('malformed_payload', 'the payload is not a Permís event');
  }
  return e as WebhookEvent;
}
