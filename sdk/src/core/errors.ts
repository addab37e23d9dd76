/**
 * Errors of the SDK. Every failed API call becomes a `PermisError`: a problem document from the
 * server (RFC 9457) keeps its stable `code`; failures on the way (network, timeout, an answer
 * that is not what the API promises) get client-side codes.
 */
import type { components } from '../schema.js';

/** An RFC 9457 problem document as the API sends it. */
export type Problem = components['schemas']['Problem'];
/** The stable problem codes the API documents (from the OpenAPI document). */
export type ProblemCode = Problem['code'];
/** An RFC 6749 §5.2 error from the token endpoint. */
export type OAuthErrorBody = components['schemas']['OAuthError'];

/** Codes of failures seen by the client itself. */
export type ClientErrorCode =
  /** The request never got an answer (connection refused, reset, DNS…). */
  | 'network_error'
  /** No answer within the timeout. */
  | 'timeout'
  /** The answer is not what the API promises (truncated or invalid JSON, wrong shape). */
  | 'malformed_response'
  /** An error status without a problem document (e.g. a proxy's 502 page). */
  | 'unexpected_response'
  /** The token endpoint refused the client credentials (see `oauthError`). */
  | 'oauth_error';

/** Every code a PermisError can carry. */
export type PermisErrorCode = ProblemCode | ClientErrorCode;

/** Extra facts about a failure. */
export interface PermisErrorDetails {
  status?: number;
  problem?: Problem;
  oauthError?: OAuthErrorBody;
  retryAfter?: number;
  cause?: unknown;
}

/** A failed Permís API call, with a stable `code` to branch on. */
export class PermisError extends Error {
  /** The problem's stable code, or a client-side code. */
  readonly code: PermisErrorCode;
  /** The HTTP status, or 0 when there was no answer. */
  readonly status: number;
  /** The problem document, when the server sent one. */
  readonly problem?: Problem;
  /** The token endpoint's RFC 6749 error, for `oauth_error`. */
  readonly oauthError?: OAuthErrorBody;
  /** The server's request id (quote it when reporting a problem). */
  readonly requestId?: string;
  /** Seconds to wait before trying again, from `Retry-After`. */
  readonly retryAfter?: number;

  constructor(code: PermisErrorCode, message: string, details: PermisErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'PermisError';
    this.code = code;
    this.status = details.status ?? 0;
    if (details.problem) this.problem = details.problem;
    if (details.problem?.requestId) this.requestId = details.problem.requestId;
    if (details.oauthError) this.oauthError = details.oauthError;
    if (details.retryAfter !== undefined) this.retryAfter = details.retryAfter;
  }
}

/** True when `err` is a PermisError (with `code`, if given). */
export function isPermisError(err: unknown, code?: PermisErrorCode): err is PermisError {
  return err instanceof PermisError && (code === undefined || err.code === code);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 9110 §10.2.3: `Retry-After` as seconds (delay-seconds or an HTTP-date); undefined if absent or invalid. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The PermisError for an error response whose body (parsed when JSON) is `body`. */
export function errorFromResponse(response: Response, body: unknown): PermisError {
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  const base = { status: response.status, ...(retryAfter === undefined ? {} : { retryAfter }) };
  if (isObject(body) && typeof body.code === 'string' && typeof body.title === 'string') {
    const problem = body as Problem;
    return new PermisError(problem.code, problem.detail ?? problem.title, { ...base, problem });
  }
  if (isObject(body) && typeof body.error === 'string') {
    const oauthError = body as OAuthErrorBody;
    return new PermisError('oauth_error', `token endpoint: ${oauthError.error}${oauthError.error_description ? ` (${oauthError.error_description})` : ''}`, {
      ...base,
      oauthError,
    });
  }
  return new PermisError('unexpected_response', `${response.status} ${response.statusText || 'error'} without a problem document`, base);
}
