import { OpenAPIHono } from '@hono/zod-openapi';
import { ValidationError } from '../domain/errors.js';
import type { AppEnv } from './env.js';
import { fieldErrors } from './problem.js';

/**
 * A fresh OpenAPIHono whose validation failures become `validation_failed` problems. Every
 * route file builds its router here, and `app.ts` mounts them: no route imports the app.
 */
export function newRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const part = result.target === 'json' ? 'body' : result.target;
        const errors = fieldErrors(part, result.error.issues);
        throw new ValidationError(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
      }
    },
  });
}
