import { ConflictError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import { hashEnrolmentCode, normaliseEnrolmentCode, type Role } from '../domain/roles.js';
import type { Clock, Random } from '../domain/runtime.js';
import { insertAuditEvent } from '../storage/audit-repo.js';
import type { Db } from '../storage/db.js';
import { claimInvitation } from '../storage/invitations-repo.js';
import { insertRole, listCitizenRoles, type RoleGrant, withRoleLock } from '../storage/roles-repo.js';
import { EnrolmentCodeError } from './enrolment-code-error.js';

/**
 * Redeems an enrolment code for the signed-in citizen `citizenId`: marks the invitation used
 * and grants its role in one transaction, writing `role.enrolled` (actor: the citizen). The
 * conditional update makes redemption single-use even under concurrency. Throws
 * EnrolmentCodeError for a code that is malformed, unknown, expired, revoked or used, and
 * `conflict` (409, the code stays unused) when the citizen already holds the role.
 */
export async function redeemInvitation(
  db: Db,
  code: string,
  citizenId: string,
  ctx: { clock: Clock; random: Random; requestId?: string | undefined },
): Promise<{ role: Role; roles: RoleGrant[] }> {
  const normalised = normaliseEnrolmentCode(code);
  if (!normalised) throw new EnrolmentCodeError();
  const codeHash = await hashEnrolmentCode(normalised);
  return withRoleLock(db, async (tx) => {
    const now = ctx.clock.now();
    const invitation = await claimInvitation(tx, codeHash, citizenId, now);
    if (!invitation) throw new EnrolmentCodeError();
    const { created } = await insertRole(tx, citizenId, invitation.role, now, invitation.createdBy);
    // Throwing rolls the claim back, so the code stays unused.
    if (!created) throw new ConflictError('conflict', `You already hold the ${invitation.role} role; the code was not used.`);
    await insertAuditEvent(tx, {
      id: uuidv7(ctx.clock, ctx.random),
      type: 'role.enrolled',
      actorType: 'citizen',
      actorId: citizenId,
      citizenId,
      requestId: ctx.requestId,
      data: { role: invitation.role, invitationId: invitation.id, invitedBy: invitation.createdBy },
      createdAt: now,
    });
    return { role: invitation.role, roles: await listCitizenRoles(tx, citizenId) };
  });
}
