import { NotFoundError } from '../domain/errors.js';
import type { Service, ServiceStatus } from '../domain/service.js';
import type { Db } from '../storage/db.js';
import { lockService, updateServiceStatus } from '../storage/services-repo.js';
import { recordServiceEvent, type RegistryContext } from './registry-context.js';

/**
 * Sets the status of the service named by `ref` (id or client id). Writes
 * `service.suspended` / `service.activated` when the status changes; setting the current
 * status again changes nothing. Throws NotFoundError when there is no such service.
 * `reason`, when given, is written to the audit event.
 */
export async function setServiceStatus(
  db: Db,
  ref: string,
  status: ServiceStatus,
  ctx: RegistryContext,
  reason?: string,
): Promise<{ service: Service; changed: boolean }> {
  return db.transaction(async (tx) => {
    const current = await lockService(tx, ref);
    if (!current) throw new NotFoundError('service');
    if (current.status === status) return { service: current, changed: false };
    const service = await updateServiceStatus(tx, current.id, status, ctx.clock.now());
    await recordServiceEvent(tx, ctx, status === 'suspended' ? 'service.suspended' : 'service.activated', service.id, {
      clientId: service.clientId,
      from: current.status,
      to: status,
      ...(reason === undefined ? {} : { reason }),
    });
    return { service, changed: true };
  });
}
