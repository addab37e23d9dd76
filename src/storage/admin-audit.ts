/**
 * Audit events of admin actions: actor_type `admin`, actor_id the admin's
 * citizen id (or `cli` for the command line). Written in the transaction of the change.
 */
import { uuidv7 } from '../domain/ids.js';
import type { Clock, Random } from '../domain/runtime.js';
import { insertAuditEvent } from './audit-repo.js';
import type { Sql } from './db.js';

/** Who is acting as admin, and the clock and randomness to stamp the change with. */
export interface AdminContext {
  clock: Clock;
  random: Random;
  /** The acting admin's citizen id, or `cli` for the command line. */
  actorId: string;
  requestId?: string | undefined;
}

/** The actor id the command line acts as. */
export const CLI_ACTOR = 'cli';

/** Audit event types of admin actions, besides the service registry's own (`service.*`). */
export type AdminAuditType =
  | 'role.granted'
  | 'role.revoked'
  | 'invitation.created'
  | 'invitation.revoked'
  | 'catalogue.term_created'
  | 'catalogue.term_updated'
  | 'catalogue.term_deleted';

/** Appends an admin audit event in `tx`, so it commits (or rolls back) with the change. */
export async function recordAdminEvent(
  tx: Sql,
  ctx: AdminContext,
  type: AdminAuditType,
  e: { citizenId?: string | undefined; serviceId?: string | undefined; data: Record<string, unknown> },
): Promise<void> {
  await insertAuditEvent(tx, {
    id: uuidv7(ctx.clock, ctx.random),
    type,
    actorType: 'admin',
    actorId: ctx.actorId,
    citizenId: e.citizenId,
    serviceId: e.serviceId,
    requestId: ctx.requestId,
    data: e.data,
    createdAt: ctx.clock.now(),
  });
}
