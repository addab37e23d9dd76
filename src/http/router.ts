import { OpenAPIHono } from '@hono/zod-openapi';
import { ValidationError } from '../domain/errors.js';
import type { AppEnv } from './env.js';
import { noBody } from './middleware/body-policy.js';
import { fieldErrors } from './problem.js';

const refuseBody = noBody();
const WRITES = new Set(['post', 'put', 'patch', 'delete']);

/**
 * A fresh OpenAPIHono whose validation failures become `validation_failed` problems, and
 * whose state-changing operations declared without a request body refuse one (body-policy.ts),
 * so the contract and the check cannot drift apart. Every route file builds its router here,
 * and `app.ts` mounts them: no route imports the app.
 */
export function newRouter(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const part = result.target === 'json' ? 'body' : result.target;
        const errors = fieldErrors(part, result.error.issues);
        throw new ValidationError(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
      }
    },
  });
  const openapi = app.openapi.bind(app);
  app.openapi = ((route, handler, hook) => {
    if (!WRITES.has(route.method) || route.request?.body !== undefined) return openapi(route, handler, hook);
    const own = route.middleware === undefined ? [] : Array.isArray(route.middleware) ? route.middleware : [route.middleware];
    return openapi({ ...route, middleware: [...own, refuseBody] }, handler, hook);
  }) as typeof app.openapi;
  return app;
}
