/**
 * One-time enrolment codes that grant a role (the first admin is bootstrapped from
 * the CLI; admins invite further admins and officers). A code is random (160 bits), stored
 * only as its SHA-256 hash, expires after 24 hours and can be redeemed once — atomically,
 * even when two redemptions race.
 */
import { ConflictError, NotFoundError, RuleError } from '../domain/errors.js';
import { isUuid, uuidv7 } from '../domain/ids.js';
import {
  ENROLMENT_CODE_TTL_MS,
  hashEnrolmentCode,
  type InvitationStatus,
  newEnrolmentCode,
  normaliseEnrolmentCode,
  type Role,
} from '../domain/roles.js';
import type { Clock, Random } from '../domain/runtime.js';
import { type AdminContext, recordAdminEvent } from './admin-audit.js';
import { insertAuditEvent } from './audit-repo.js';
import type { Db, Sql } from './db.js';
import { assertActorIsAdmin, insertRole, listCitizenRoles, type RoleGrant, withRoleLock } from './roles-repo.js';

/** An invitation as admins see it (never the code). */
export interface Invitation {
  id: string;
  role: Role;
  status: InvitationStatus;
  createdAt: Date;
  /** The inviting admin's citizen id, or `cli`. */
  createdBy: string;
  expiresAt: Date;
  redeemedAt: Date | null;
  redeemedBy: string | null;
  revokedAt: Date | null;
}

/** 400 `enrolment_code_invalid`: one answer for unknown, expired, revoked and used codes. */
export class EnrolmentCodeError extends RuleError {
  constructor() {
    super('enrolment_code_invalid', 'The enrolment code is unknown, expired, revoked or already used.');
  }
}

interface Raw {
  id: string;
  role: Role;
  created_at: Date;
  created_by: string;
  expires_at: Date;
  redeemed_at: Date | null;
  redeemed_by: string | null;
  revoked_at: Date | null;
}

const COLUMNS = 'id, role, created_at, created_by, expires_at, redeemed_at, redeemed_by, revoked_at';

const toInvitation = (r: Raw, now: Date): Invitation => ({
  id: r.id,
  role: r.role,
  status: r.redeemed_at ? 'redeemed' : r.revoked_at ? 'revoked' : r.expires_at.getTime() <= now.getTime() ? 'expired' : 'pending',
  createdAt: r.created_at,
  createdBy: r.created_by,
  expiresAt: r.expires_at,
  redeemedAt: r.redeemed_at,
  redeemedBy: r.redeemed_by,
  revokedAt: r.revoked_at,
});

/**
 * Creates an invitation for `role` on behalf of `ctx.actorId` (an admin, or `cli`) and
 * returns it with its code — the only time the code exists outside the caller's hands.
 * Writes `invitation.created` (without the code).
 */
export async function createInvitation(db: Db, role: Role, ctx: AdminContext): Promise<{ invitation: Invitation; code: string }> {
  const code = newEnrolmentCode(ctx.random);
  const codeHash = await hashEnrolmentCode(normaliseEnrolmentCode(code)!);
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ENROLMENT_CODE_TTL_MS);
  const id = uuidv7(ctx.clock, ctx.random);
  return db.transaction(async (tx) => {
    await assertActorIsAdmin(tx, ctx);
    const rows = await tx.query<Raw>(
      `insert into role_invitations (id, code_hash, role, created_at, created_by, expires_at)
       values ($1, $2, $3, $4, $5, $6) returning ${COLUMNS}`,
      [id, codeHash, role, now, ctx.actorId, expiresAt],
    );
    await recordAdminEvent(tx, ctx, 'invitation.created', { data: { invitationId: id, role, expiresAt: expiresAt.toISOString() } });
    return { invitation: toInvitation(rows[0]!, now), code };
  });
}

/**
 * One page of invitations, newest first (ids before `before`), optionally only those with
 * `status` at `now`; `limit` is 1…100.
 */
export async function listInvitations(
  sql: Sql,
  opts: { now: Date; limit: number; before?: string | undefined; status?: InvitationStatus | undefined },
): Promise<{ items: Invitation[]; hasMore: boolean }> {
  const limit = Math.max(1, Math.min(100, Math.trunc(opts.limit)));
  const rows = await sql.query<Raw>(
    `select ${COLUMNS} from role_invitations
     where ($1::uuid is null or id < $1::uuid)
       and case $2::text
         when 'redeemed' then redeemed_at is not null
         when 'revoked' then revoked_at is not null
         when 'expired' then redeemed_at is null and revoked_at is null and expires_at <= $3
         when 'pending' then redeemed_at is null and revoked_at is null and expires_at > $3
         else true end
     order by id desc limit $4`,
    [opts.before ?? null, opts.status ?? null, opts.now, limit + 1],
  );
  return { items: rows.slice(0, limit).map((r) => toInvitation(r, opts.now)), hasMore: rows.length > limit };
}

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
    const rows = await tx.query<Raw>(`select ${COLUMNS} from role_invitations where id = $1 for update`, [id]);
    const current = rows[0];
    if (!current) throw new NotFoundError('invitation');
    if (current.redeemed_at) throw new ConflictError('conflict', 'This invitation was already redeemed; revoke the role instead.');
    if (current.revoked_at) return toInvitation(current, now);
    const updated = await tx.query<Raw>(`update role_invitations set revoked_at = $2 where id = $1 returning ${COLUMNS}`, [id, now]);
    await recordAdminEvent(tx, ctx, 'invitation.revoked', { data: { invitationId: id, role: current.role } });
    return toInvitation(updated[0]!, now);
  });
}

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
    const rows = await tx.query<Raw>(
      `update role_invitations set redeemed_at = $2, redeemed_by = $3
       where code_hash = $1 and redeemed_at is null and revoked_at is null and expires_at > $2
       returning ${COLUMNS}`,
      [codeHash, now, citizenId],
    );
    const invitation = rows[0];
    if (!invitation) throw new EnrolmentCodeError();
    const { created } = await insertRole(tx, citizenId, invitation.role, now, invitation.created_by);
    if (!created) throw new ConflictError('conflict', `You already hold the ${invitation.role} role; the code was not used.`);
    await insertAuditEvent(tx, {
      id: uuidv7(ctx.clock, ctx.random),
      type: 'role.enrolled',
      actorType: 'citizen',
      actorId: citizenId,
      citizenId,
      requestId: ctx.requestId,
      data: { role: invitation.role, invitationId: invitation.id, invitedBy: invitation.created_by },
      createdAt: now,
    });
    return { role: invitation.role, roles: await listCitizenRoles(tx, citizenId) };
  });
}
