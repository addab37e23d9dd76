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

/** True when `bytes` hold only JSON white space (RFC 8259 §2), or nothing. */
const blank = (bytes: Uint8Array): boolean => bytes.every((b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d);

/**
 * Refuses a request body that is not JSON with 415 (RFC 9110 §15.5.16), so a wrong
 * Content-Type is never mistaken for an empty body; an empty body with a non-JSON
 * Content-Type is refused too. On `formPaths` the body must be form-encoded instead.
 */
export function jsonOnly(opts: JsonOnlyOptions = {}): MiddlewareHandler {
  const prefixes = opts.prefixes ?? ['/v1/'];
  const formPaths = opts.formPaths ?? ['/v1/oauth/token'];
  return async (c, next) => {
    const m = c.req.method;
    if ((m === 'POST' || m === 'PUT' || m === 'PATCH') && prefixes.some((p) => c.req.path.startsWith(p))) {
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
      // Runtimes differ on whether an empty request has a null body or an empty stream; only
      // the content counts. An empty body means "no body" (optional bodies) when it is sent
      // without a type or as JSON; an empty body of another type (an HTML form's, say) is
      // refused like a full one, so a cross-site form cannot pass for a body-less call.
      // Read as bytes so that later steps see them exactly (strict-json.ts refuses a BOM, which
      // text() drops) — and never through `c.req.raw.body`, which on @hono/node-server would
      // build a full web Request for every request (a runtime's null body reads as no bytes).
      const empty = blank(new Uint8Array(await c.req.arrayBuffer()));
      const form = formPaths.includes(c.req.path);
      if ((!empty || type !== '') && !(form ? FORM_TYPE : JSON_TYPE).test(type)) {
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
