import type { MiddlewareHandler } from 'hono';
import { PermisError } from '../../domain/errors.js';

/** Options for {@link jsonOnly}. */
export interface JsonOnlyOptions {
  /** Path prefixes this applies to; default `['/v1/']`. */
  prefixes?: string[];
  /**
   * Exact paths whose body is `application/x-www-form-urlencoded` instead of JSON; default
   * `['/v1/oauth/token']`, the OAuth token endpoint (RFC 6749 §4.4.2 fixes that media type).
   */
  formPaths?: string[];
}

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded$/i;

/**
 * Refuses a request body that is not JSON with 415 (RFC 9110 §15.5.16), so a wrong
 * Content-Type is never mistaken for an empty body. On `formPaths` the body must be
 * form-encoded instead.
 */
export function jsonOnly(opts: JsonOnlyOptions = {}): MiddlewareHandler {
  const prefixes = opts.prefixes ?? ['/v1/'];
  const formPaths = opts.formPaths ?? ['/v1/oauth/token'];
  return async (c, next) => {
    const m = c.req.method;
    if ((m === 'POST' || m === 'PUT' || m === 'PATCH') && prefixes.some((p) => c.req.path.startsWith(p))) {
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
      // Runtimes differ on whether an empty request has a null body or an empty stream; only
      // the content counts. An empty body means "no body" (optional bodies), whatever its type.
      const empty = c.req.raw.body === null || (await c.req.text()).trim() === '';
      const form = formPaths.includes(c.req.path);
      if (!empty && !(form ? FORM_TYPE : JSON_TYPE).test(type)) {
        const expected = form ? 'application/x-www-form-urlencoded' : 'application/json';
        throw new PermisError('unsupported_media_type', `Send the body as ${expected}.`);
      }
      if (empty && type !== '') {
        const headers = new Headers(c.req.raw.headers);
        headers.delete('content-type');
        c.req.raw = new Request(c.req.raw.url, { method: m, headers });
      }
    }
    await next();
  };
}
