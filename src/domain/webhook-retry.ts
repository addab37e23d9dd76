/**
 * The webhook retry schedule (exponential backoff for at least 24 h).
 *
 * After failed attempt k (1-based) the next attempt waits RETRY_DELAYS_SECONDS[k-1], scaled by
 * a jitter factor in [0.8, 1.2) so that many endpoints failing together do not retry in
 * lockstep. After attempt MAX_WEBHOOK_ATTEMPTS fails, delivery gives up (the message stays in
 * the events feed and the delivery log). The nominal schedule spans 31 h 42 m; even with the
 * smallest jitter it spans 25 h 22 m, so a message is retried for at least 24 h.
 */
import type { Random } from './runtime.js';

/** Waits between attempts: 5 s, 30 s, 2 m, 10 m, 30 m, 1 h, 2 h, 4 h, 8 h, 8 h, 8 h. */
export const RETRY_DELAYS_SECONDS: readonly number[] = [5, 30, 120, 600, 1800, 3600, 7200, 14_400, 28_800, 28_800, 28_800];

/** Attempts per delivery round (the first one plus every retry). */
export const MAX_WEBHOOK_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

/** Smallest and largest jitter factor. */
export const JITTER_MIN = 0.8;
export const JITTER_MAX = 1.2;

/** A uniform number in [0, 1) from four random bytes. */
export function unitRandom(random: Random): number {
  const b = random.bytes(4);
  return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) / 2 ** 32;
}

/**
 * Milliseconds to wait after failed attempt number `attempt` (1-based), with jitter from
 * `random`; undefined when that was the last attempt and delivery must give up.
 */
export function retryDelayMs(attempt: number, random: Random): number | undefined {
  if (!Number.isInteger(attempt) || attempt < 1 || attempt >= MAX_WEBHOOK_ATTEMPTS) return undefined;
  const base = RETRY_DELAYS_SECONDS[attempt - 1]! * 1000;
  return Math.round(base * (JITTER_MIN + (JITTER_MAX - JITTER_MIN) * unitRandom(random)));
}
