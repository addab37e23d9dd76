import { parsePublicJwks } from '../crypto/service-jwks.js';
import { NotFoundError } from '../domain/errors.js';
import type { Service } from '../domain/service.js';
import type { Db } from '../storage/db.js';
import { lockService, updateServiceJwks } from '../storage/services-repo.js';
import { recordServiceEvent, type RegistryContext } from './registry-context.js';

/**
 * Replaces the public JWKS of the service named by `ref` after validating it (public keys
 * only, each with a kid; an empty set is allowed). Throws NotFoundError for no such service.
 * Writes `service.jwks_replaced`.
 */
export async function setServiceJwks(db: Db, ref: string, jwks: unknown, ctx: RegistryContext): Promise<Service> {
  const parsed = await parsePublicJwks(jwks);
  return db.transaction(async (tx) => {
    const current = await lockService(tx, ref);
    if (!current) throw new NotFoundError('service');
    const service = await updateServiceJwks(tx, current.id, parsed, ctx.clock.now());
    await recordServiceEvent(tx, ctx, 'service.jwks_replaced', service.id, {
      clientId: service.clientId,
      previousKids: current.jwks.keys.map((k) => k.kid),
      kids: parsed.keys.map((k) => k.kid),
    });
    return service;
  });
}
