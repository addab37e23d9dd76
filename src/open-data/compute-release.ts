/**
 * Computes a release's public document and its officers' preview from the log at one
 * checkpoint: the events below its tree size, the monthly statistics, disclosure control, and
 * noise seeded from the checkpoint and the settings — so the same checkpoint and settings give
 * the same bytes, whenever and wherever it is recomputed.
 */
import { b64, sha256, toHex, utf8 } from '@permis/sdk/encoding';
import { canonicalJsonText } from '../crypto/canonical-json.js';
import { deriveKey } from '../crypto/derive-key.js';
import type { Sql } from '../storage/db.js';
import { releaseEvents } from '../storage/open-data-repo.js';
import { seededNoise } from './laplace-noise.js';
import { MEASURES, measureDescription } from './measures.js';
import { monthlyCounts } from './monthly-counts.js';
import { type PreviewCell, publicCells, RELEASE_SENSITIVITY, releaseTable } from './release-table.js';

/** The identifier of the document format. */
export const RELEASE_FORMAT = 'permis-open-data-release/1';

/** Where and how a release is computed. */
export interface ReleaseInput {
  origin: string;
  treeSize: bigint;
  rootHash: Uint8Array;
  k: number;
  epsilon: number | null;
  /** The secret the noise seed is derived from (the pairwise secret; never published). */
  secret: Uint8Array;
}

/** A computed release: the exact bytes to publish, their SHA-256 (hex), and the preview. */
export interface ComputedRelease {
  document: string;
  documentSha256: string;
  preview: PreviewCell[];
  services: string[];
  months: string[];
}

/**
 * The noise seed of a release: HMAC-SHA-256 under a key derived from `secret`, over the
 * checkpoint and the settings. Preparing again at the same checkpoint gives the same noise, so
 * drafts do not leak fresh draws that could be averaged away.
 */
async function noiseSeed(input: ReleaseInput): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', (await deriveKey(input.secret, 'permis open-data noise v1')) as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const message = `${input.origin}\n${input.treeSize}\n${b64(input.rootHash)}\nk=${input.k}\nepsilon=${input.epsilon}`;
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(message) as BufferSource));
}

/** Computes the release at `input`'s checkpoint from the events in `sql`. */
export async function computeRelease(sql: Sql, input: ReleaseInput): Promise<ComputedRelease> {
  const stats = monthlyCounts(await releaseEvents(sql, input.treeSize));
  const noise = input.epsilon === null ? undefined : await seededNoise(await noiseSeed(input), input.epsilon, RELEASE_SENSITIVITY);
  const preview = await releaseTable(stats, { k: input.k, noise });
  const doc = {
    format: RELEASE_FORMAT,
    checkpoint: { origin: input.origin, treeSize: input.treeSize.toString(), rootHash: b64(input.rootHash) },
    through: stats.through,
    period: stats.months.length ? { firstMonth: stats.months[0], lastMonth: stats.months[stats.months.length - 1] } : null,
    disclosureControl: {
      threshold: input.k,
      rule: 'No published count from 1 to k − 1; zeros are published. More counts are withheld until none of those withheld follows exactly from the published counts and the sums between them.',
      sums: ['city total = Σ services, per measure and month', 'checks.made = checks.permitted + Σ checks.denied.*, per service and month'],
      noise: noise ? { mechanism: 'discrete Laplace (two-sided geometric)', epsilon: input.epsilon, sensitivity: RELEASE_SENSITIVITY, publishedMinimum: input.k } : null,
      medianRule: 'published only over at least k approvals, with the count of approvals published; never noised',
    },
    measures: MEASURES.map((name) => ({ name, description: measureDescription(name) })),
    services: stats.services,
    cells: publicCells(preview),
  };
  const document = canonicalJsonText(doc);
  return { document, documentSha256: toHex(await sha256(document)), preview, services: stats.services, months: stats.months };
}
