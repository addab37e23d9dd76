/**
 * Rows of one-time enrolment codes that grant a role (the rules live in src/roles/:
 * create-invitation, revoke-invitation, redeem-invitation). A code is stored only as its
 * SHA-256 hash; the claim update makes redemption single-use even when two redemptions race.
 */
import type { InvitationStatus, Role } from '../domain/roles.js';
import type { Sql } from './db.js';

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

/** Inserts a new invitation row and returns it as admins see it. */
export async function insertInvitation(
  tx: Sql,
  row: { id: string; codeHash: string; role: Role; createdAt: Date; createdBy: string; expiresAt: Date },
): Promise<Invitation> {
  const rows = await tx.query<Raw>(
    `insert into role_invitations (id, code_hash, role, created_at, created_by, expires_at)
     values ($1, $2, $3, $4, $5, $6) returning ${COLUMNS}`,
    [row.id, row.codeHash, row.role, row.createdAt, row.createdBy, row.expiresAt],
  );
  return toInvitation(rows[0]!, row.createdAt);
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

/** The invitation `id` locked for update (status as at `now`), or undefined if there is none. */
export async function lockInvitation(tx: Sql, id: string, now: Date): Promise<Invitation | undefined> {
  const rows = await tx.query<Raw>(`select ${COLUMNS} from role_invitations where id = $1 for update`, [id]);
  return rows[0] ? toInvitation(rows[0], now) : undefined;
}

/** Sets the invitation `id`'s revocation time to `now` and returns it. */
export async function markInvitationRevoked(tx: Sql, id: string, now: Date): Promise<Invitation> {
  const rows = await tx.query<Raw>(`update role_invitations set revoked_at = $2 where id = $1 returning ${COLUMNS}`, [id, now]);
  return toInvitation(rows[0]!, now);
}

/**
 * Marks the pending invitation whose code hashes to `codeHash` as redeemed by `citizenId` at
 * `now` and returns it; undefined when no unused, unrevoked, unexpired invitation has that
 * hash. The conditional update is what makes a code single-use under concurrency.
 */
export async function claimInvitation(tx: Sql, codeHash: string, citizenId: string, now: Date): Promise<Invitation | undefined> {
  const rows = await tx.query<Raw>(
    `update role_invitations set redeemed_at = $2, redeemed_by = $3
     where code_hash = $1 and redeemed_at is null and revoked_at is null and expires_at > $2
     returning ${COLUMNS}`,
    [codeHash, now, citizenId],
  );
  return rows[0] ? toInvitation(rows[0], now) : undefined;
}
