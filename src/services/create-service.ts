import { parsePublicJwks } from '../crypto/service-jwks.js';
import { ConflictError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import { parseServiceInput, type Service } from '../domain/service.js';
import { resolveTerms } from '../storage/catalogue-repo.js';
import { type Db, DbError } from '../storage/db.js';
import { insertService } from '../storage/services-repo.js';
import { recordServiceEvent, type RegistryContext } from './registry-context.js';

/**
 * Registers a service from `input` (the shape of examples/service.example.json). Throws
 * ValidationError for bad fields or a bad JWKS, `term_unknown` for codes not in the
 * catalogue, and `conflict` when the clientId is taken. Writes `service.registered`.
 */
export async function createService(db: Db, input: unknown, ctx: RegistryContext): Promise<Service> {
  const v = parseServiceInput(input);
  const jwks = await parsePublicJwks(v.jwks);
  await resolveTerms(db, v);
  const now = ctx.clock.now();
  const id = uuidv7(ctx.clock, ctx.random);
  try {
    return await db.transaction(async (tx) => {
      const service = await insertService(tx, { ...v, id, jwks, now });
      await recordServiceEvent(tx, ctx, 'service.registered', service.id, {
        clientId: service.clientId,
        purposes: service.purposes,
        categories: service.categories,
        processing: service.processing,
        kids: jwks.keys.map((k) => k.kid),
      });
      return service;
    });
  } catch (err) {
    if (err instanceof DbError && err.isUniqueViolation) {
      throw new ConflictError('conflict', `A service with clientId "${v.clientId}" already exists.`, { clientId: v.clientId });
    }
    throw err;
  }
}
