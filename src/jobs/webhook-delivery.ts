/**
 * Webhook delivery from the transactional outbox, following Standard Webhooks:
 * each due message is POSTed as JSON to its service's endpoint with `webhook-id` (the outbox
 * id, the same on every retry), `webhook-timestamp` and `webhook-signature`. A 2xx answer
 * delivers it; anything else (other status, redirect, network error, timeout) schedules a
 * retry with exponential backoff and jitter for at least 24 h (src/domain/webhook-retry.ts),
 * then gives up. Every attempt is written to the delivery log.
 *
 * Safe on any number of replicas: messages are claimed with `for update skip locked` and a
 * lease, and sent outside any database transaction. Delivery is at-least-once (a process
 * dying after the receiver answered sends the message again when the lease runs out);
 * receivers deduplicate by `webhook-id`.
 */
import { instrumentsOf } from '../core/metric-catalogue.js';
import { signWebhook } from '../crypto/webhook-signature.js';
import { uuidv7 } from '../domain/ids.js';
import { retryDelayMs } from '../domain/webhook-retry.js';
import type { AppDeps } from '../core/deps.js';
import { type AttemptOutcome, type ClaimedMessage, claimDueMessages, markUnroutable, recordAttempt } from '../storage/webhook-deliveries-repo.js';
import { signingSecrets } from '../storage/webhook-endpoints-repo.js';
import { sequenceFeed } from '../storage/webhook-feed.js';

/** The part of `fetch` the job uses (Workers and Node.js both provide it). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Options for {@link deliverWebhooks}. */
export interface DeliverOptions {
  /** HTTP client; pass `globalThis.fetch`. */
  fetch: FetchLike;
  /** Most messages claimed per call; default 100. */
  batch?: number;
  /** Most requests in flight at once; default 8. */
  concurrency?: number;
  /** Per-request timeout in milliseconds; default 10,000. */
  timeoutMs?: number;
  /** Monotonic milliseconds for measuring durations; default `performance.now()`. */
  stopwatch?: () => number;
}

/** What one call did. */
export interface DeliverResult {
  /** Messages given their events-feed position. */
  sequenced: number;
  /** Due messages of services without an endpoint, marked `no_endpoint`. */
  unroutable: number;
  /** Delivery attempts made. */
  attempted: number;
  delivered: number;
  /** Attempts that failed and were scheduled again. */
  retrying: number;
  /** Attempts that failed for the last time: delivery gave up. */
  failed: number;
}

/** The User-Agent of webhook requests. */
export const WEBHOOK_USER_AGENT = 'Permis-Webhooks/1';

/** Longest error text kept in the delivery log. */
const MAX_ERROR_LENGTH = 200;

/** A short, log-safe description of why a request got no HTTP response. */
function describeFailure(err: unknown, timeoutMs: number): string {
  const e = err as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `timeout: no response within ${timeoutMs} ms`;
  const cause = typeof e?.cause?.code === 'string' ? e.cause.code : typeof e?.cause?.message === 'string' ? e.cause.message : undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return `network error: ${cause ? `${message} (${cause})` : message}`.slice(0, MAX_ERROR_LENGTH);
}

/**
 * Assigns events-feed positions, marks due messages of services without an endpoint as
 * `no_endpoint`, then claims up to `batch` due messages and delivers them (at most
 * `concurrency` at a time), recording every attempt. Never throws for a receiver's failure;
 * database errors propagate.
 */
export async function deliverWebhooks(deps: Pick<AppDeps, 'db' | 'clock' | 'random' | 'log' | 'metrics'>, opts: DeliverOptions): Promise<DeliverResult> {
  const batch = Math.max(1, Math.trunc(opts.batch ?? 100));
  const concurrency = Math.max(1, Math.trunc(opts.concurrency ?? 8));
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const stopwatch = opts.stopwatch ?? (() => performance.now());
  const result: DeliverResult = { sequenced: 0, unroutable: 0, attempted: 0, delivered: 0, retrying: 0, failed: 0 };

  for (let i = 0; i < 20; i++) {
    const n = await sequenceFeed(deps.db, { batch: 1000 });
    result.sequenced += n;
    if (n < 1000) break;
  }
  const now = deps.clock.now();
  result.unroutable = await markUnroutable(deps.db, now, 1000);
  const leaseId = uuidv7(deps.clock, deps.random);
  // The lease outlives the request timeout, so a live claimer never loses its message.
  const claimed = await claimDueMessages(deps.db, { now, leaseUntil: new Date(now.getTime() + timeoutMs + 60_000), leaseId, batch });

  const deliverOne = async (m: ClaimedMessage): Promise<void> => {
    const body = JSON.stringify(m.payload);
    const attemptedAt = deps.clock.now();
    const headers = signWebhook({ id: m.id, timestamp: attemptedAt, body, secrets: signingSecrets(m, attemptedAt) });
    let statusCode: number | null = null;
    let error: string | null = null;
    const started = stopwatch();
    try {
      const res = await opts.fetch(m.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': WEBHOOK_USER_AGENT, ...headers },
        body,
        // Never follow a redirect: a public URL must not bounce the request into the network (SSRF).
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.status === 0) error = 'redirect not followed';
      else statusCode = res.status;
      await res.body?.cancel().catch(() => {});
    } catch (err) {
      error = describeFailure(err, timeoutMs);
    }
    const durationMs = Math.max(0, Math.round(stopwatch() - started));
    const attempt = m.attempts + 1;
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const delay = ok ? undefined : retryDelayMs(attempt, deps.random);
    const outcome: AttemptOutcome = ok ? 'delivered' : delay === undefined ? 'failed' : 'retrying';
    const nextAttemptAt = delay === undefined ? null : new Date(deps.clock.now().getTime() + delay);
    result.attempted++;
    result[outcome]++;
    await recordAttempt(deps.db, leaseId, {
      id: uuidv7(deps.clock, deps.random),
      messageId: m.id,
      serviceId: m.serviceId,
      eventType: m.eventType,
      attempt,
      url: m.url,
      attemptedAt,
      durationMs,
      statusCode,
      error,
      outcome,
      nextAttemptAt,
    });
  };

  let next = 0;
  const worker = async () => {
    while (next < claimed.length) {
      const m = claimed[next++]!;
      try {
        await deliverOne(m);
      } catch (err) {
        // The lease runs out and the message is tried again; keep delivering the others.
        deps.log?.('error', 'webhook delivery could not be recorded', { messageId: m.id, message: err instanceof Error ? err.message : String(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, worker));
  if (deps.metrics && result.attempted > 0) {
    const deliveries = instrumentsOf(deps.metrics).webhookDeliveries;
    for (const outcome of ['delivered', 'retrying', 'failed'] as const) if (result[outcome] > 0) deliveries.labels(outcome).inc(result[outcome]);
  }
  return result;
}
