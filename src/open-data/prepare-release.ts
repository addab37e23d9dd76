/**
 * An officer prepares a release: computed at the log's latest published checkpoint and stored
 * as a draft, with the preview officers review (true values, and why each withheld cell is
 * withheld) before anyone else sees anything.
 */
import type { AppDeps } from '../core/deps.js';
import { ConflictError, ValidationError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import { latestPublishedCheckpoint, storedLogOrigin } from '../storage/log-publication.js';
import { getPublishedRelease, getRelease, insertDraftRelease, type ReleaseRow } from '../storage/open-data-repo.js';
import { recordOfficerQuery, type OfficerContext } from '../storage/officer-audit.js';
import { computeRelease } from './compute-release.js';
import { openDataSettings } from './open-data-config.js';

/** What the officer chooses; defaults from the configuration. */
export interface PrepareInput {
  /** Threshold; at least the configured k. */
  k?: number | undefined;
  /** ε of the noise; null: none; undefined: the configured default. */
  epsilon?: number | null | undefined;
  /** The number of a published release this one corrects, with a note saying what. */
  corrects?: number | undefined;
  correctionNote?: string | undefined;
}

/** Prepares a draft release at the latest published checkpoint; returns it. */
export async function prepareRelease(deps: AppDeps, ctx: OfficerContext, input: PrepareInput): Promise<ReleaseRow> {
  const settings = openDataSettings(deps.config);
  const k = input.k ?? settings.k;
  if (!Number.isInteger(k) || k < settings.k) {
    const message = `must be a whole number of at least ${settings.k} (the configured threshold)`;
    throw new ValidationError(`body.k: ${message}`, [{ field: 'body.k', message }]);
  }
  const epsilon = input.epsilon === undefined ? (settings.epsilon ?? null) : input.epsilon;
  if ((input.corrects === undefined) !== (input.correctionNote === undefined)) {
    const message = 'a correction names the release it corrects and says what it corrects: give both corrects and correctionNote';
    throw new ValidationError(`body.correctionNote: ${message}`, [{ field: 'body.correctionNote', message }]);
  }
  const corrected = input.corrects === undefined ? undefined : await getPublishedRelease(deps.db, input.corrects);
  if (input.corrects !== undefined && !corrected) {
    const message = `there is no published release ${input.corrects}`;
    throw new ValidationError(`body.corrects: ${message}`, [{ field: 'body.corrects', message }]);
  }
  // Read the checkpoint from the primary: its leaves are all there.
  const cp = await latestPublishedCheckpoint(deps.db);
  const origin = await storedLogOrigin(deps.db);
  if (!cp || !origin || cp.treeSize === 0n) throw new ConflictError('no_checkpoint', 'The log has no published checkpoint yet: nothing can be released until the first events are in the log.');
  const computed = await computeRelease(deps.db, { origin, treeSize: cp.treeSize, rootHash: cp.root, k, epsilon, secret: deps.config.pairwiseSecret });
  const id = uuidv7(deps.clock, deps.random);
  await deps.db.transaction(async (tx) => {
    await insertDraftRelease(tx, {
      id,
      treeSize: cp.treeSize,
      rootHash: cp.root,
      checkpointNote: cp.note,
      k,
      epsilon,
      corrects: corrected?.id ?? null,
      correctionNote: input.correctionNote ?? null,
      document: computed.document,
      documentSha256: computed.documentSha256,
      preview: computed.preview,
      preparedBy: ctx.officerId,
      preparedAt: deps.clock.now(),
    });
    await recordOfficerQuery(tx, ctx, 'officer.release_prepared', { release: id, treeSize: cp.treeSize.toString(), k, epsilon, ...(corrected ? { corrects: corrected.number } : {}) });
  });
  return (await getRelease(deps.db, id))!;
}
