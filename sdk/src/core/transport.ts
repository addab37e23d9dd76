/**
 * The HTTP layer under every client: per-attempt timeouts, authentication (with one retry on a
 * 401 after renewing the credential), and retries with backoff for idempotent calls only —
 * GET, HEAD, PUT, DELETE, OPTIONS, and POSTs that carry an `Idempotency-Key` — on network
 * errors, timeouts, 429 (honouring `Retry-After`) and 503; checks on 429 and 503 only. Nothing else
 * is retried.
 */
import { PermisError, parseRetryAfter } from './errors.js';

/** A fetch function: the platform's, or any compatible one (e.g. a Hono app's `request`). */
export type FetchLike = (input: Request, init?: RequestInit) => Promise<Response> | Response;

/** Retry policy for idempotent calls. */
export interface RetryOptions {
  /** Further attempts after the first (default 3). */
  retries?: number;
  /** First backoff delay in ms (default 200); doubles each attempt, with full jitter. */
  baseDelayMs?: number;
  /** Longest backoff delay in ms (default 10 000). */
  maxDelayMs?: number;
  /** A `Retry-After` longer than this (seconds, default 60) is not waited for: the error is returned. */
  maxRetryAfterSeconds?: number;
}

/** Options every client accepts. */
export interface TransportOptions {
  /** The server's public URL, e.g. `https://permis.example.cat` (no `/v1`). */
  baseUrl: string;
  /** A fetch implementation (default: the global `fetch`). */
  fetch?: FetchLike;
  /** Timeout per attempt in ms (default 30 000); 0 disables it. */
  timeoutMs?: number;
  /** Retry policy for idempotent calls, or `false` to never retry. */
  retry?: RetryOptions | false;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Fetch `credentials` mode; `include` sends the session cookie cross-origin from a browser. */
  credentials?: RequestCredentials;
}

/** Supplies the `Authorization` header and renews it when the server says it is no longer good. */
export interface Authenticator {
  /** The header value, e.g. `Bearer …`; undefined sends none. */
  authorization(): Promise<string | undefined>;
  /** Called after a 401; returns true when a retry with a renewed credential makes sense. */
  renew?(): boolean;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
/** Bodies of these types are read in full inside the retry loop; anything else streams. */
const BUFFERED = /^(application\/(problem\+)?json|text\/plain)\b/i;

/** True when a request may be sent again without changing the outcome (RFC 9110 §9.2.2, or an Idempotency-Key). */
export function isIdempotent(request: Request): boolean {
  return IDEMPOTENT_METHODS.has(request.method.toUpperCase()) || request.headers.has('idempotency-key');
}

/** The checks: they change nothing but the audit log. */
const CHECK_PATH = /\/v1\/check(\/batch)?$/;

/**
 * Whether a 503 or 429 answer may be retried: idempotent calls, and the checks, because such an
 * answer says the decision was not given (RFC 9110 §15.6.4: the server cannot handle the
 * request now, Retry-After says when to try again). A check whose answer was lost on the way
 * (network error, timeout) is not sent again: it may have been logged once already.
 */
export function isRetryableWhenUnavailable(request: Request): boolean {
  return isIdempotent(request) || (request.method.toUpperCase() === 'POST' && CHECK_PATH.test(new URL(request.url).pathname));
}

const sleep = (ms: number, signal?: AbortSignal | null) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

const isAbort = (err: unknown) => err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');

/**
 * Sends requests for the clients (as openapi-fetch's `fetch`). Creates each attempt from a
 * clone of the request, so bodies can be sent again.
 */
export class Transport {
  readonly baseUrl: string;
  private readonly fetchImpl: FetchLike;
  private readonly timeoutMs: number;
  private readonly retry: Required<RetryOptions> | false;
  private readonly extraHeaders: Record<string, string>;

  constructor(opts: TransportOptions) {
    if (!/^https?:\/\//.test(opts.baseUrl)) throw new TypeError('baseUrl must be an absolute http(s) URL');
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    const f = opts.fetch ?? ((input: Request, init?: RequestInit) => globalThis.fetch(input, init));
    this.fetchImpl = f;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.retry = opts.retry === false ? false : { retries: 3, baseDelayMs: 200, maxDelayMs: 10_000, maxRetryAfterSeconds: 60, ...opts.retry };
    this.extraHeaders = opts.headers ?? {};
  }

  /** Backoff before attempt `n` (1-based retry number): full jitter over an exponential cap. */
  private backoff(n: number): number {
    if (!this.retry) return 0;
    const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (n - 1));
    return Math.round(cap / 2 + (Math.random() * cap) / 2);
  }

  /** Sends `request` with `auth`; resolves with the final response or throws PermisError. */
  async send(request: Request, auth?: Authenticator): Promise<Response> {
    const idempotent = isIdempotent(request);
    const maxRetries = this.retry && idempotent ? this.retry.retries : 0;
    const maxUnavailableRetries = this.retry && isRetryableWhenUnavailable(request) ? this.retry.retries : 0;
    const userSignal = request.signal;
    let retries = 0;
    let renewed = false;
    for (;;) {
      const attempt = await this.prepare(request, auth);
      let response: Response;
      try {
        response = await this.attempt(attempt, userSignal);
      } catch (err) {
        if (userSignal?.aborted) throw err;
        const failure = isAbort(err)
          ? new PermisError('timeout', `no answer from ${new URL(request.url).pathname} within ${this.timeoutMs} ms`, { cause: err })
          : new PermisError('network_error', `cannot reach ${new URL(request.url).origin}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
        if (retries < maxRetries) {
          await sleep(this.backoff(++retries), userSignal);
          continue;
        }
        throw failure;
      }
      // One retry after renewing the credential: a 401 means nothing was done.
      if (response.status === 401 && auth?.renew && !renewed && auth.renew()) {
        renewed = true;
        continue;
      }
      if ((response.status === 429 || response.status === 503) && retries < maxUnavailableRetries && this.retry) {
        const after = parseRetryAfter(response.headers.get('retry-after'));
        if (after === undefined || after <= this.retry.maxRetryAfterSeconds) {
          await response.body?.cancel().catch(() => undefined);
          await sleep(after === undefined ? this.backoff(retries + 1) : after * 1000, userSignal);
          retries++;
          continue;
        }
      }
      return response;
    }
  }

  private async prepare(request: Request, auth?: Authenticator): Promise<Request> {
    const attempt = request.clone();
    for (const [k, v] of Object.entries(this.extraHeaders)) if (!attempt.headers.has(k)) attempt.headers.set(k, v);
    const authorization = await auth?.authorization();
    if (authorization) attempt.headers.set('authorization', authorization);
    return attempt;
  }

  /** One attempt under the timeout; JSON and text bodies are read here, so a cut-off body counts as a failed attempt. */
  private async attempt(request: Request, userSignal: AbortSignal | null): Promise<Response> {
    const signals = [userSignal, this.timeoutMs > 0 ? AbortSignal.timeout(this.timeoutMs) : undefined].filter((s): s is AbortSignal => !!s);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const timed = signal ? new Request(request, { signal }) : request;
    const abortable = <T>(p: Promise<T>): Promise<T> =>
      signal
        ? Promise.race([
            p,
            new Promise<never>((_, reject) => {
              if (signal.aborted) reject(signal.reason);
              signal.addEventListener('abort', () => reject(signal.reason), { once: true });
            }),
          ])
        : p;
    const response = await abortable(Promise.resolve(this.fetchImpl(timed)));
    const type = response.headers.get('content-type') ?? '';
    if (!response.body || (type && !BUFFERED.test(type))) return response;
    const body = await abortable(response.arrayBuffer());
    return new Response(response.status === 204 || response.status === 304 ? null : body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }
}
