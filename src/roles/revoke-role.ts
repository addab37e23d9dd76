import { ConflictError, NotFoundError } from '../domain/errors.js';
import type { Role } from '../domain/roles.js';
import { type AdminContext, recordAdminEvent } from '../storage/admin-audit.js';
import type { Db } from '../storage/db.js';
import { assertActorIsAdmin, countOtherAdmins, deleteRole, grantExists, withRoleLock } from '../storage/roles-repo.js';

/**
 * Revokes `role` from `citizenId` on behalf of the admin in `ctx`; effective for the next
 * request (roles are never cached). Writes `role.revoked`. Throws NotFoundError when the
 * citizen does not hold the role, and `last_admin` when it would leave no admin.
 */
export async function revokeRole(db: Db, citizenId: string, role: Role, ctx: AdminContext): Promise<void> {
  await withRoleLock(db, async (tx) => {
    await assertActorIsAdmin(tx, ctx);
    if (!(await grantExists(tx, citizenId, role))) throw new NotFoundError('role');
    if (role === 'admin' && (await countOtherAdmins(tx, citizenId)) === 0) {
      throw new ConflictError('last_admin', 'This is the last admin: grant the admin role to someone else first.');
    }
    await deleteRole(tx, citizenId, role);
    await recordAdminEvent(tx, ctx, 'role.revoked', { citizenId, data: { role } });
  });
}
