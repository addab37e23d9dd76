/** Helpers shared by the admin routes: who is acting, and errors named as request parts. */
import type { Context } from 'hono';
import { ValidationError } from '../domain/errors.js';
import type { AdminContext } from '../storage/admin-audit.js';
import type { AppDeps } from '../core/deps.js';
import type { AppEnv } from './env.js';

/** The admin context of a request that passed `citizenAuth` and `requireRole(deps, 'admin')`. */
export function adminContext(deps: AppDeps, c: Context<AppEnv>): AdminContext {
  return { clock: deps.clock, random: deps.random, actorId: c.get('citizen').citizenId, requestId: c.get('requestId') };
}

/**
 * Runs `fn` and renames the fields of a ValidationError it throws as parts of the request
 * (`purposes.0` → `body.purposes.0`), so repository validation reads like route validation.
 */
export async function namingFields<T>(part: 'body' | 'query', fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ValidationError && !err.errors.some((e) => e.field.startsWith(`${part}.`))) {
      const errors = err.errors.map((e) => ({ field: e.field === '(root)' ? part : `${part}.${e.field}`, message: e.message }));
      throw new ValidationError(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
    }
    throw err;
  }
}
