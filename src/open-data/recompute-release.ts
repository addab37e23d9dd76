/**
 * Recomputes a stored release from the events at its checkpoint, to show that what was
 * published is exactly what the log's events give (byte for byte).
 */
import type { AppDeps } from '../core/deps.js';
import { InternalError } from '../domain/errors.js';
import { storedLogOrigin } from '../storage/log-publication.js';
import type { ReleaseRow } from '../storage/open-data-repo.js';
import { computeRelease } from './compute-release.js';

/** The outcome: the SHA-256 of the recomputed document and whether it equals the stored one. */
export interface Recomputation {
  identical: boolean;
  documentSha256: string;
  storedSha256: string;
}

/** Recomputes `r` at its checkpoint. */
export async function recomputeRelease(deps: AppDeps, r: ReleaseRow): Promise<Recomputation> {
  const origin = await storedLogOrigin(deps.db);
  if (!origin) throw new InternalError('data_integrity', 'a release exists but the log has no origin');
  const c = await computeRelease(deps.db, { origin, treeSize: r.treeSize, rootHash: r.rootHash, k: r.k, epsilon: r.epsilon, secret: deps.config.pairwiseSecret });
  return { identical: c.document === r.document, documentSha256: c.documentSha256, storedSha256: r.documentSha256 };
}
