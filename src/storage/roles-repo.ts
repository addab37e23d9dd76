/**
 * Roles of citizen accounts: `citizen_roles` rows, granted and revoked by admins
 * (or by redeeming an enrolment code, see src/roles/redeem-invitation.ts). Role changes are serialised
 * by one advisory lock so the last-admin rule holds under concurrency. The rules and audit
 * events of grants and revocations are the operations' in src/roles/.
 */
import { ForbiddenError } from '../domain/errors.js';
import { isUuid } from '../domain/ids.js';
import type { Role } from '../domain/roles.js';
import { type AdminContext, CLI_ACTOR } from './admin-audit.js';
import type { Db, Sql } from './db.js';

/** One role held by a citizen. */
export interface RoleGrant {
  role: Role;
  grantedAt: Date;
  /** The granting admin's citizen id, or `cli`. */
  grantedBy: string;
}

/** A citizen account with the roles it holds. */
export interface RoleHolder {
  citizenId: string;
  displayName: string;
  roles: RoleGrant[];
}

// Fixed advisory-lock key for role changes (migrations use 7_245_001, signing keys 7_245_002).
const ROLE_LOCK = 7_245_401;

interface RawGrant {
  role: Role;
  granted_at: Date;
  granted_by: string;
}

const toGrant = (r: RawGrant): RoleGrant => ({ role: r.role, grantedAt: r.granted_at, grantedBy: r.granted_by });

/** The roles `citizenId` holds, ordered by role name; read fresh, never cached. */
export async function listCitizenRoles(sql: Sql, citizenId: string): Promise<RoleGrant[]> {
  const rows = await sql.query<RawGrant>('select role, granted_at, granted_by from citizen_roles where citizen_id = $1 order by role', [citizenId]);
  return rows.map(toGrant);
}

/** True when the (not erased) citizen `citizenId` holds `role` right now. */
export async function hasRole(sql: Sql, citizenId: string, role: Role): Promise<boolean> {
  const rows = await sql.query(
    `select 1 from citizen_roles r join citizens c on c.id = r.citizen_id
     where r.citizen_id = $1 and r.role = $2 and c.erased_at is null`,
    [citizenId, role],
  );
  return rows.length > 0;
}

/**
 * One page of the (not erased) accounts holding a role — `role` only, when given — in
 * citizen-id order after `after`, `limit` (1…100) at most, each with all its roles.
 */
export async function listRoleHolders(
  sql: Sql,
  opts: { limit: number; after?: string | undefined; role?: Role | undefined },
): Promise<{ items: RoleHolder[]; hasMore: boolean }> {
  const limit = Math.max(1, Math.min(100, Math.trunc(opts.limit)));
  const rows = await sql.query<RawGrant & { citizen_id: string; display_name: string }>(
    `with page as (
       select distinct r.citizen_id from citizen_roles r join citizens c on c.id = r.citizen_id
       where c.erased_at is null and ($1::text is null or r.role = $1::text) and ($2::uuid is null or r.citizen_id > $2::uuid)
       order by r.citizen_id limit $3)
     select r.citizen_id, c.display_name, r.role, r.granted_at, r.granted_by
     from page p join citizen_roles r on r.citizen_id = p.citizen_id join citizens c on c.id = p.citizen_id
     order by r.citizen_id, r.role`,
    [opts.role ?? null, opts.after ?? null, limit + 1],
  );
  const holders: RoleHolder[] = [];
  for (const r of rows) {
    let h = holders[holders.length - 1];
    if (!h || h.citizenId !== r.citizen_id) {
      h = { citizenId: r.citizen_id, displayName: r.display_name, roles: [] };
      holders.push(h);
    }
    h.roles.push(toGrant(r));
  }
  return { items: holders.slice(0, limit), hasMore: holders.length > limit };
}

/**
 * Runs `fn` in a transaction holding the role-change advisory lock, so role grants,
 * revocations and enrolments happen one at a time (the last-admin count cannot race).
 */
export async function withRoleLock<T>(db: Db, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [ROLE_LOCK]);
    return fn(tx);
  });
}

/**
 * Throws ForbiddenError unless the acting admin (by `ctx.actorId`) still holds the admin role
 * inside `tx` — a revocation committed after the request's middleware check still counts.
 * The command line (`cli`) is always allowed.
 */
export async function assertActorIsAdmin(tx: Sql, ctx: AdminContext): Promise<void> {
  if (ctx.actorId === CLI_ACTOR) return;
  if (!(await hasRole(tx, ctx.actorId, 'admin'))) throw new ForbiddenError('You no longer hold the admin role.');
}

/**
 * Inserts `role` for `citizenId` in `tx` (which should hold the role lock). Returns the
 * grant and whether it is new; an existing grant is returned unchanged.
 */
export async function insertRole(tx: Sql, citizenId: string, role: Role, at: Date, grantedBy: string): Promise<{ grant: RoleGrant; created: boolean }> {
  const inserted = await tx.query<RawGrant>(
    `insert into citizen_roles (citizen_id, role, granted_at, granted_by) values ($1, $2, $3, $4)
     on conflict (citizen_id, role) do nothing returning role, granted_at, granted_by`,
    [citizenId, role, at, grantedBy],
  );
  if (inserted[0]) return { grant: toGrant(inserted[0]), created: true };
  const existing = await tx.query<RawGrant>('select role, granted_at, granted_by from citizen_roles where citizen_id = $1 and role = $2', [
    citizenId,
    role,
  ]);
  return { grant: toGrant(existing[0]!), created: false };
}

/** The display name of the citizen `citizenId` if they exist and are not erased; else undefined. */
export async function liveCitizenName(tx: Sql, citizenId: string): Promise<string | undefined> {
  if (!isUuid(citizenId)) return undefined;
  const rows = await tx.query<{ display_name: string }>('select display_name from citizens where id = $1 and erased_at is null', [citizenId]);
  return rows[0]?.display_name;
}

/** How many citizens other than `citizenId`, not erased, hold the admin role. */
export async function countOtherAdmins(tx: Sql, citizenId: string): Promise<number> {
  const rows = await tx.query<{ n: number }>(
    `select count(*)::int as n from citizen_roles r join citizens c on c.id = r.citizen_id
     where r.role = 'admin' and r.citizen_id <> $1 and c.erased_at is null`,
    [citizenId],
  );
  return Number(rows[0]!.n);
}

/** True when a `citizen_roles` row grants `role` to `citizenId` (erased or not). */
export async function grantExists(tx: Sql, citizenId: string, role: Role): Promise<boolean> {
  if (!isUuid(citizenId)) return false;
  const rows = await tx.query('select 1 from citizen_roles where citizen_id = $1 and role = $2', [citizenId, role]);
  return rows.length > 0;
}

/** Deletes the grant of `role` to `citizenId`. */
export async function deleteRole(tx: Sql, citizenId: string, role: Role): Promise<void> {
  await tx.query('delete from citizen_roles where citizen_id = $1 and role = $2', [citizenId, role]);
}
