import { uuidv7 } from '../domain/ids.js';
import { ENROLMENT_CODE_TTL_MS, hashEnrolmentCode, newEnrolmentCode, normaliseEnrolmentCode, type Role } from '../domain/roles.js';
import { type AdminContext, recordAdminEvent } from '../storage/admin-audit.js';
import type { Db } from '../storage/db.js';
import { type Invitation, insertInvitation } from '../storage/invitations-repo.js';
import { assertActorIsAdmin } from '../storage/roles-repo.js';

/**
 * Creates an invitation for `role` on behalf of `ctx.actorId` (an admin, or `cli`) and
 * returns it with its code — the only time the code exists outside the caller's hands (only
 * its SHA-256 hash is stored; it expires after 24 hours). Writes `invitation.created`
 * (without the code). Throws ForbiddenError if the actor lost the admin role meanwhile.
 */
export async function createInvitation(db: Db, role: Role, ctx: AdminContext): Promise<{ invitation: Invitation; code: string }> {
  const code = newEnrolmentCode(ctx.random);
  const codeHash = await hashEnrolmentCode(normaliseEnrolmentCode(code)!);
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ENROLMENT_CODE_TTL_MS);
  const id = uuidv7(ctx.clock, ctx.random);
  return db.transaction(async (tx) => {
    await assertActorIsAdmin(tx, ctx);
    const invitation = await insertInvitation(tx, { id, codeHash, role, createdAt: now, createdBy: ctx.actorId, expiresAt });
    await recordAdminEvent(tx, ctx, 'invitation.created', { data: { invitationId: id, role, expiresAt: expiresAt.toISOString() } });
    return { invitation, code };
  });
}
