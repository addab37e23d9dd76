import type { MiddlewareHandler } from 'hono';
import { ValidationError } from '../../domain/errors.js';

/**
 * Refuses a non-empty body sent to an operation whose contract defines none (e.g. `POST
 * /v1/auth/signout` with `[{}]`): 400 `validation_failed` naming `body`, instead of silently
 * ignoring what the caller meant to say. `newRouter()` appends it, after the route's own
 * middleware (authentication first), to every state-changing route declared without a body.
 */
export function noBody(): MiddlewareHandler {
  return async (c, next) => {
    // Not `c.req.raw.body !== null`, which on @hono/node-server builds a full web Request; a null body reads as ''.
    if ((await c.req.text()).trim() !== '') {
      throw new ValidationError('body: this operation takes no request body', [{ field: 'body', message: 'this operation takes no request body' }]);
    }
    await next();
  };
}
