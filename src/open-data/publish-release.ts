/**
 * An officer publishes a reviewed draft: it takes the next release number and its signed note,
 * and from then on never changes (the database refuses to update or delete it).
 */
import type { AppDeps } from '../core/deps.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import { storedLogOrigin } from '../storage/log-publication.js';
import { deleteDraftRelease, getRelease, lockReleaseNumbers, markPublished, nextReleaseNumber, type ReleaseRow } from '../storage/open-data-repo.js';
import { recordOfficerQuery, type OfficerContext } from '../storage/officer-audit.js';
import { signReleaseNote } from './release-note.js';

const immutable = (r: ReleaseRow) => new ConflictError('release_immutable', `Release ${r.number} is published and cannot change; publish a correction instead.`, { number: r.number });

/** Publishes the draft `id`; returns the published release. */
export async function publishRelease(deps: AppDeps, ctx: OfficerContext, id: string): Promise<ReleaseRow> {
  await deps.db.transaction(async (tx) => {
    await lockReleaseNumbers(tx);
    const r = await getRelease(tx, id, true);
    if (!r) throw new NotFoundError('release');
    if (r.status === 'published') throw immutable(r);
    const origin = await storedLogOrigin(tx);
    if (!origin) throw new ConflictError('no_checkpoint', 'The log has no origin yet.');
    const number = await nextReleaseNumber(tx);
    const signature = await signReleaseNote(deps.keys, {
      origin,
      number,
      treeSize: r.treeSize,
      rootHash: r.rootHash,
      documentSha256: r.documentSha256,
      corrects: r.correctsNumber,
    });
    await markPublished(tx, id, { number, signature, publishedBy: ctx.officerId, publishedAt: deps.clock.now() });
    await recordOfficerQuery(tx, ctx, 'officer.release_published', { release: id, number, documentSha256: r.documentSha256 });
  });
  return (await getRelease(deps.db, id))!;
}

/** Discards the draft `id`. A published release cannot be discarded. */
export async function discardRelease(deps: AppDeps, ctx: OfficerContext, id: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const r = await getRelease(tx, id, true);
    if (!r) throw new NotFoundError('release');
    if (r.status === 'published') throw immutable(r);
    await deleteDraftRelease(tx, id);
    await recordOfficerQuery(tx, ctx, 'officer.release_discarded', { release: id });
  });
}
