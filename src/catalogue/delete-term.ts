import type { TermKind } from '../domain/catalogue.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import { type AdminContext, recordAdminEvent } from '../storage/admin-audit.js';
import { deleteTermRow, lockTerm, termUsage } from '../storage/catalogue-admin-repo.js';
import type { Db } from '../storage/db.js';

/**
 * Deletes the term `kind`/`code` when no service, request or consent refers to it; otherwise
 * throws `term_in_use` with the counts. Throws NotFoundError for an unknown term. Writes
 * `catalogue.term_deleted`.
 */
export async function deleteTerm(db: Db, kind: TermKind, code: string, ctx: AdminContext): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await lockTerm(tx, kind, code);
    if (!current) throw new NotFoundError('catalogue term');
    const usage = await termUsage(tx, kind, code);
    if (usage.services > 0 || usage.requests > 0 || usage.consents > 0) {
      const detail = `${usage.services} service(s), ${usage.requests} consent request(s) and ${usage.consents} consent(s)`;
      throw new ConflictError('term_in_use', `The ${kind} "${code}" is in use by ${detail}.`, { usage });
    }
    await deleteTermRow(tx, kind, code);
    await recordAdminEvent(tx, ctx, 'catalogue.term_deleted', { data: { ...current } });
  });
}
