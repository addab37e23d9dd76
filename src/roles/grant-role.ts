import { NotFoundError } from '../domain/errors.js';
import type { Role } from '../domain/roles.js';
import { type AdminContext, recordAdminEvent } from '../storage/admin-audit.js';
import type { Db } from '../storage/db.js';
import { assertActorIsAdmin, insertRole, listCitizenRoles, liveCitizenName, type RoleHolder, withRoleLock } from '../storage/roles-repo.js';

/**
 * Grants `role` to the (not erased) citizen `citizenId` on behalf of the admin in `ctx`.
 * Writes `role.granted` when the grant is new; granting a held role changes nothing.
 * Throws NotFoundError for an unknown or erased citizen, ForbiddenError if the actor lost
 * the admin role meanwhile.
 */
export async function grantRole(db: Db, citizenId: string, role: Role, ctx: AdminContext): Promise<{ holder: RoleHolder; created: boolean }> {
  return withRoleLock(db, async (tx) => {
    await assertActorIsAdmin(tx, ctx);
    const displayName = await liveCitizenName(tx, citizenId);
    if (displayName === undefined) throw new NotFoundError('citizen');
    const { created } = await insertRole(tx, citizenId, role, ctx.clock.now(), ctx.actorId);
    if (created) await recordAdminEvent(tx, ctx, 'role.granted', { citizenId, data: { role } });
    return { holder: { citizenId, displayName, roles: await listCitizenRoles(tx, citizenId) }, created };
  });
}
