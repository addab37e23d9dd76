import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit as streamingBodyLimit } from 'hono/body-limit';

/** Options for {@link bodyLimit}. */
export interface BodyLimitOptions {
  /** Largest body accepted, in bytes. */
  maxSize: number;
  /** Answers (or throws for) a body over the limit. */
  onError: (c: Context) => Response | Promise<Response>;
}

/**
 * Hono's `bodyLimit`, deciding from `Content-Length` before anything touches the body.
 *
 * Hono's middleware reads `c.req.raw.body` first, and on @hono/node-server that getter turns
 * the lightweight request into a full WHATWG `Request` (an undici Request, an AbortSignal and
 * a web stream over the socket) on every request with a body — the largest single cost of a
 * consent check in a profile. With a `Content-Length` and no `Transfer-Encoding`, that header
 * is the body's length (RFC 9112 §6.3, the server's HTTP parser reads exactly that many
 * bytes), so the limit needs only the header. Only a chunked body — rare from API clients —
 * takes hono's streaming path, which counts bytes as they arrive.
 */
export function bodyLimit(opts: BodyLimitOptions): MiddlewareHandler {
  const streaming = streamingBodyLimit(opts);
  return (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next(); // no body (RFC 9110 §9.3.1, §9.3.2)
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return parseInt(length, 10) > opts.maxSize ? Promise.resolve(opts.onError(c)) : next();
    }
    return streaming(c, next);
  };
}
