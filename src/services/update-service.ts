import { canonicalJson } from '../crypto/terms-hash.js';
import { NotFoundError } from '../domain/errors.js';
import type { Service } from '../domain/service.js';
import { parseServiceUpdate } from '../domain/service-update.js';
import { resolveTerms } from '../storage/catalogue-repo.js';
import type { Db } from '../storage/db.js';
import { lockService, updateServiceFields } from '../storage/services-repo.js';
import { recordServiceEvent, type RegistryContext } from './registry-context.js';

/**
 * Changes the name, description, controller or allowed codes of the service named by `ref`
 * (id or client id), with the registration's field rules (see domain/service-update.ts).
 * Throws ValidationError for bad fields, `term_unknown` for codes not in the catalogue and
 * NotFoundError for no such service. Writes `service.updated` with the previous and new
 * values of what changed; a change that changes nothing writes nothing.
 */
export async function updateService(db: Db, ref: string, input: unknown, ctx: RegistryContext): Promise<Service> {
  const update = parseServiceUpdate(input);
  await resolveTerms(db, update);
  return db.transaction(async (tx) => {
    const current = await lockService(tx, ref);
    if (!current) throw new NotFoundError('service');
    const next = { ...current, ...update };
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const f of ['name', 'description', 'controller', 'purposes', 'categories', 'processing'] as const) {
      if (canonicalJson(current[f]) !== canonicalJson(next[f])) changes[f] = { from: current[f], to: next[f] };
    }
    if (Object.keys(changes).length === 0) return current;
    const service = await updateServiceFields(tx, current.id, next, ctx.clock.now());
    await recordServiceEvent(tx, ctx, 'service.updated', service.id, { clientId: service.clientId, changes });
    return service;
  });
}
