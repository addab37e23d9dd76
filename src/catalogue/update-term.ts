import { canonicalJson } from '../crypto/terms-hash.js';
import { applyTermUpdate } from '../domain/catalogue-input.js';
import type { CatalogueTerm, TermKind } from '../domain/catalogue.js';
import { NotFoundError } from '../domain/errors.js';
import { type AdminContext, recordAdminEvent } from '../storage/admin-audit.js';
import { lockTerm, updateTermRow } from '../storage/catalogue-admin-repo.js';
import type { Db } from '../storage/db.js';

/**
 * Changes the texts or attributes of the term `kind`/`code` (see applyTermUpdate). Writes
 * `catalogue.term_updated` with the previous and new values of what changed; a change that
 * changes nothing writes nothing. Throws NotFoundError for an unknown term.
 */
export async function updateTerm(db: Db, kind: TermKind, code: string, input: unknown, ctx: AdminContext): Promise<CatalogueTerm> {
  return db.transaction(async (tx) => {
    const current = await lockTerm(tx, kind, code);
    if (!current) throw new NotFoundError('catalogue term');
    const next = applyTermUpdate(current, input);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const f of ['dpv', 'label', 'description', 'sensitive', 'maxValidityDays'] as const) {
      if (canonicalJson(current[f]) !== canonicalJson(next[f])) changes[f] = { from: current[f], to: next[f] };
    }
    if (Object.keys(changes).length === 0) return current;
    const term = await updateTermRow(tx, kind, code, next);
    await recordAdminEvent(tx, ctx, 'catalogue.term_updated', { data: { kind, code, changes } });
    return term;
  });
}
