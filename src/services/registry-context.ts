/** Who changes the service registry, and how each change becomes an audit event. */
import { uuidv7 } from '../domain/ids.js';
import type { Clock, Random } from '../domain/runtime.js';
import type { AdminContext } from '../storage/admin-audit.js';
import { insertAuditEvent } from '../storage/audit-repo.js';
import type { Sql } from '../storage/db.js';

/** Who is changing the registry, and the clock and randomness to stamp it with. */
export interface RegistryContext {
  clock: Clock;
  random: Random;
  /** The CLI is `{ type: 'admin', id: 'cli' }`. */
  actor: { type: 'admin' | 'system'; id: string };
  requestId?: string | undefined;
}

/** Audit event types the registry writes. */
export type ServiceAuditType = 'service.registered' | 'service.updated' | 'service.suspended' | 'service.activated' | 'service.jwks_replaced';

/** The service registry's context for an admin action (so `service.*` events name the admin). */
export const registryContext = (ctx: AdminContext): RegistryContext => ({
  clock: ctx.clock,
  random: ctx.random,
  actor: { type: 'admin', id: ctx.actorId },
  requestId: ctx.requestId,
});

/** Appends a `service.*` audit event in `tx`, so it commits (or rolls back) with the change. */
export async function recordServiceEvent(
  tx: Sql,
  ctx: RegistryContext,
  type: ServiceAuditType,
  serviceId: string,
  data: Record<string, unknown>,
): Promise<void> {
  await insertAuditEvent(tx, {
    id: uuidv7(ctx.clock, ctx.random),
    type,
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    serviceId,
    requestId: ctx.requestId,
    data,
    createdAt: ctx.clock.now(),
  });
}
