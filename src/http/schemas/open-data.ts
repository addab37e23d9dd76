/** Schemas of the open-data releases: the public read routes and the officers' routes. */
import { z } from '@hono/zod-openapi';
import { Uuid } from '../../web/schema-fields.js';

const Month = z.string().regex(/^\d{4}-\d{2}$/).openapi({ example: '2026-11' });

/** Links to a published release's files (stable URLs). */
export const ReleaseLinks = z
  .object({
    json: z.url().openapi({ description: 'The release document: the exact bytes whose SHA-256 the signed note states.' }),
    csv: z.url().openapi({ description: 'The cells as RFC 4180 CSV.' }),
    csvw: z.url().openapi({ description: 'The CSVW metadata of the CSV.' }),
    signature: z.url().openapi({ description: 'The C2SP signed note over the release (text/plain).' }),
  })
  .openapi('OpenDataReleaseLinks');

/** A published release as anyone sees it. */
export const PublicRelease = z
  .object({
    number: z.number().int().min(1),
    publishedAt: z.iso.datetime(),
    corrects: z.number().int().nullable().openapi({ description: 'The number of the release this one corrects.' }),
    correctionNote: z.string().nullable().openapi({ description: 'What it corrects.' }),
    checkpoint: z.object({
      treeSize: z.string().openapi({ example: '1234', description: 'The log’s tree size it was computed at (decimal).' }),
      rootHash: z.string().openapi({ description: 'The base64 RFC 6962 root hash of that tree.' }),
    }),
    k: z.number().int().openapi({ description: 'No published count from 1 to k − 1.' }),
    epsilon: z.number().nullable().openapi({ description: 'ε of the noise added to the counts; null: no noise.' }),
    period: z.object({ firstMonth: Month, lastMonth: Month }).nullable(),
    documentSha256: z.string().regex(/^[0-9a-f]{64}$/),
    signature: z.string().openapi({ description: 'The C2SP signed note (also at `links.signature`).' }),
    links: ReleaseLinks,
  })
  .openapi('OpenDataRelease');

export const PublicReleaseList = z.object({ items: z.array(PublicRelease) }).openapi('OpenDataReleaseList');

export const ReleaseNumberParam = z.object({
  number: z.coerce.number().int().min(1).max(2_147_483_647).openapi({ param: { name: 'number', in: 'path' }, example: 1 }),
});

export const ReleaseIdParam = z.object({ id: Uuid.openapi({ param: { name: 'id', in: 'path' } }) });

/** One cell of the officers' preview. */
export const PreviewCell = z
  .object({
    service: z.string().nullable().openapi({ description: 'Client id; null: the city total.' }),
    month: Month,
    measure: z.string().openapi({ example: 'checks.denied.no_consent' }),
    value: z.number().nullable().openapi({ description: 'What will be published; null: withheld (or not defined).' }),
    trueValue: z.number().nullable(),
    suppressed: z.enum(['primary', 'secondary']).nullable().openapi({ description: '`primary`: from 1 to k − 1; `secondary`: withheld to protect another.' }),
  })
  .openapi('OpenDataPreviewCell');

/** A release as officers see it (drafts too). */
export const OfficerRelease = z
  .object({
    id: Uuid,
    status: z.enum(['draft', 'published']),
    number: z.number().int().nullable(),
    treeSize: z.string(),
    rootHash: z.string(),
    k: z.number().int(),
    epsilon: z.number().nullable(),
    corrects: z.number().int().nullable(),
    correctionNote: z.string().nullable(),
    documentSha256: z.string(),
    preparedBy: Uuid,
    preparedAt: z.iso.datetime(),
    publishedBy: Uuid.nullable(),
    publishedAt: z.iso.datetime().nullable(),
    signature: z.string().nullable(),
    summary: z.object({
      cells: z.number().int(),
      published: z.number().int(),
      primary: z.number().int(),
      secondary: z.number().int(),
    }),
  })
  .openapi('OfficerOpenDataRelease');

export const OfficerReleaseWithPreview = OfficerRelease.extend({ preview: z.array(PreviewCell) }).openapi('OfficerOpenDataReleasePreview');

export const OfficerReleaseList = z.object({ items: z.array(OfficerRelease) }).openapi('OfficerOpenDataReleaseList');

export const PrepareReleaseBody = z
  .object({
    k: z.number().int().min(2).max(1000).optional().openapi({ description: 'Threshold; at least the configured one (default).' }),
    epsilon: z.number().positive().max(100).nullable().optional().openapi({ description: 'ε of the noise; null for none; omitted: the configured default.' }),
    corrects: z.number().int().min(1).optional().openapi({ description: 'The number of the published release this one corrects.' }),
    correctionNote: z.string().trim().min(1).max(1000).optional().openapi({ description: 'What it corrects (required with `corrects`).' }),
  })
  .strict()
  .openapi('PrepareOpenDataRelease');

export const Recomputation = z
  .object({
    identical: z.boolean().openapi({ description: 'True when the recomputed document is byte for byte the stored one.' }),
    documentSha256: z.string(),
    storedSha256: z.string(),
  })
  .openapi('OpenDataRecomputation');
