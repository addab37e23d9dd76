import type { MiddlewareHandler } from 'hono';
import { PermisError, ValidationError } from '../../domain/errors.js';
import { firstIllFormedString } from '../../domain/well-formed.js';
import type { AppEnv } from '../env.js';

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses every JSON request body under `/v1/` strictly, once, before validation: UTF-8 only
 * and no byte-order mark (RFC 8259 §8.1: "Implementations MUST NOT add a byte order mark"),
 * then every string and member name well-formed Unicode (src/domain/well-formed.ts). Bad
 * bytes are `malformed_json`; a lone surrogate is `validation_failed` naming the field. The
 * parsed value is handed to the route's validator, so the body is parsed only here.
 */
export function strictJson(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const m = c.req.method;
    if ((m === 'POST' || m === 'PUT' || m === 'PATCH' || m === 'DELETE') && c.req.path.startsWith('/v1/')) {
      // Not `c.req.raw.body !== null`: on @hono/node-server that getter builds a full web Request
      // for every request; a runtime's null body reads as no bytes below.
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
      if (JSON_TYPE.test(type)) {
        const bytes = new Uint8Array(await c.req.arrayBuffer());
        if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
          throw new PermisError('malformed_json', 'The request body starts with a byte-order mark; send JSON text without one (RFC 8259 §8.1).');
        }
        let text: string;
        try {
          text = utf8.decode(bytes);
        } catch {
          throw new PermisError('malformed_json', 'The request body is not UTF-8.');
        }
        if (text.trim() !== '') {
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch {
            throw new PermisError('malformed_json', 'The request body is not valid JSON.');
          }
          const bad = firstIllFormedString(value);
          if (bad) throw new ValidationError(`${bad.field}: ${bad.message}`, [bad]);
          // Hono's validator reads the body through this cache: hand it the parsed value.
          c.req.bodyCache.json = Promise.resolve(value);
        }
      }
    }
    await next();
  };
}
