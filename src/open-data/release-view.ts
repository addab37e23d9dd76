/** How releases are shown: to anyone (published ones) and to officers (with the preview). */
import { b64 } from '@permis/sdk/encoding';
import type { ReleaseRow } from '../storage/open-data-repo.js';
import { openDataUrls } from './dcat-catalogue.js';
import type { PreviewCell, ReleaseCell } from './release-table.js';

/** The parts of a stored document the views read. */
export interface ReleaseDocument {
  period: { firstMonth: string; lastMonth: string } | null;
  services: string[];
  cells: ReleaseCell[];
  through: string | null;
}

/** Parses a stored release document. */
export const parseDocument = (r: ReleaseRow): ReleaseDocument => JSON.parse(r.document) as ReleaseDocument;

/** A published release as the public API shows it. */
export function publicReleaseView(r: ReleaseRow, publicUrl: string) {
  const u = openDataUrls(publicUrl);
  const n = r.number!;
  return {
    number: n,
    publishedAt: r.publishedAt!.toISOString(),
    corrects: r.correctsNumber,
    correctionNote: r.correctionNote,
    checkpoint: { treeSize: r.treeSize.toString(), rootHash: b64(r.rootHash) },
    k: r.k,
    epsilon: r.epsilon,
    period: parseDocument(r).period,
    documentSha256: r.documentSha256,
    signature: r.signature!,
    links: { json: u.json(n), csv: u.csv(n), csvw: u.csvw(n), signature: u.note(n) },
  };
}

/** A release as officers see it, without the preview cells. */
export function officerReleaseView(r: ReleaseRow) {
  const preview = r.preview as PreviewCell[];
  return {
    id: r.id,
    status: r.status,
    number: r.number,
    treeSize: r.treeSize.toString(),
    rootHash: b64(r.rootHash),
    k: r.k,
    epsilon: r.epsilon,
    corrects: r.correctsNumber,
    correctionNote: r.correctionNote,
    documentSha256: r.documentSha256,
    preparedBy: r.preparedBy,
    preparedAt: r.preparedAt.toISOString(),
    publishedBy: r.publishedBy,
    publishedAt: r.publishedAt?.toISOString() ?? null,
    signature: r.signature,
    summary: {
      cells: preview.length,
      published: preview.filter((c) => c.value !== null).length,
      primary: preview.filter((c) => c.suppressed === 'primary').length,
      secondary: preview.filter((c) => c.suppressed === 'secondary').length,
    },
  };
}
