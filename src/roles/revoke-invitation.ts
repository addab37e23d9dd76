import { ConflictError, NotFoundError } from '../domain/errors.js';
import { isUuid } from '../domain/ids.js';
import { type AdminContext, recordAdminEvent } from '../storage/admin-audit.js';
import type { Db } from '../storage/db.js';
import { type Invitation, lockInvitation, markInvitationRevoked } from '../storage/invitations-repo.js';
import { assertActorIsAdmin } from '../storage/roles-repo.js';

/**
 * Revokes the invitation `id` so its code can no longer be redeemed; writes
 * `invitation.revoked`. Revoking a revoked invitation changes nothing. Throws NotFoundError
 * for an unknown id and `conflict` (409) for an invitation already redeemed.
 */
export async function revokeInvitation(db: Db, id: string, ctx: AdminContext): Promise<Invitation> {
  if (!isUuid(id)) throw new NotFoundError('invitation');
  return db.transaction(async (tx) => {
    await assertActorIsAdmin(tx, ctx);
    const now = ctx.clock.now();
    const current = await lockInvitation(tx, id, now);
    if (!current) throw new NotFoundError('invitation');
    if (current.redeemedAt) throw new ConflictError('conflict', 'This invitation was already redeemed; revoke the role instead.');
    if (current.revokedAt) return current;
    const updated = await markInvitationRevoked(tx, id, now);
    await recordAdminEvent(tx, ctx, 'invitation.revoked', { data: { invitationId: id, role: current.role } });
    return updated;
  });
}
