import type { MiddlewareHandler } from 'hono';
import { ForbiddenError, UnauthenticatedError } from '../../domain/errors.js';
import type { Role } from '../../domain/roles.js';
import { hasRole } from '../../storage/roles-repo.js';
import type { AppDeps } from '../../core/deps.js';
import type { AppEnv } from '../env.js';

/**
 * Middleware that admits only citizens holding `role` (or one of the roles listed); run it after
 * `citizenAuth(deps)`. The role is read from the database on every request, so a revocation
 * takes effect on the very next request. Missing role: ForbiddenError (403 `forbidden`).
 */
export function requireRole(deps: AppDeps, role: Role | readonly Role[]): MiddlewareHandler<AppEnv> {
  const any = typeof role === 'string' ? [role] : role;
  return async (c, next) => {
    const citizen = c.get('citizen');
    // Mounted without citizenAuth in front: fail closed.
    if (!citizen) throw new UnauthenticatedError();
    let held = false;
    for (const r of any) if (!held && (await hasRole(deps.db, citizen.citizenId, r))) held = true;
    if (!held) throw new ForbiddenError(`This needs the ${any.join(' or ')} role.`);
    await next();
  };
}
