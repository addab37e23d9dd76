import { parseTermInput } from '../domain/catalogue-input.js';
import type { CatalogueTerm } from '../domain/catalogue.js';
import { ConflictError } from '../domain/errors.js';
import { type AdminContext, recordAdminEvent } from '../storage/admin-audit.js';
import { insertTerm } from '../storage/catalogue-admin-repo.js';
import { type Db, DbError } from '../storage/db.js';

/**
 * Adds a term to the catalogue. Throws ValidationError for bad fields and `conflict` when the
 * kind already has the code. Writes `catalogue.term_created`.
 */
export async function createTerm(db: Db, input: unknown, ctx: AdminContext): Promise<CatalogueTerm> {
  const t = parseTermInput(input);
  try {
    return await db.transaction(async (tx) => {
      const term = await insertTerm(tx, t, ctx.clock.now());
      await recordAdminEvent(tx, ctx, 'catalogue.term_created', { data: { ...t } });
      return term;
    });
  } catch (err) {
    if (err instanceof DbError && err.isUniqueViolation) {
      throw new ConflictError('conflict', `The catalogue already has the ${t.kind} "${t.code}".`, { term: { kind: t.kind, code: t.code } });
    }
    throw err;
  }
}
