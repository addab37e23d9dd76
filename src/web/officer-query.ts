/**
 * The officers' filters of the access log as query parameters (`/v1/officer/…` and the
 * officer console's pages): one parser for both faces.
 */
import { z } from '@hono/zod-openapi';
import { auditActorTypes, checkDecisions } from '../storage/event-filter.js';
import { MAX_STATS_DAYS } from '../officer/view-event-stats.js';
import { Code, SubjectRef, Timestamp, Uuid } from './schema-fields.js';

/** An OpenAPI query-parameter annotation. */
export const q = (name: string, description: string) => ({ param: { name, in: 'query' as const }, description });

export { DEFAULT_STATS_DAYS, MAX_STATS_DAYS } from '../officer/view-event-stats.js';

/** An event type such as `consent.checked` or `officer.searched`. */
const EventType = z
  .string()
  .max(80)
  .regex(/^[a-z][a-z_]*(\.[a-z][a-z_]*)+$/, 'must be an event type such as consent.checked');

/** `type=a&type=b` or `type=a,b`: one list either way. */
const EventTypes = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',') : Array.isArray(v) ? v.flatMap((x) => (typeof x === 'string' ? x.split(',') : [x])) : v),
  z.array(EventType).min(1).max(20),
);

/** An RFC 3339 instant PostgreSQL can hold (year 0001 or later). */
const Instant = Timestamp.refine((s) => !s.startsWith('0000'), 'must be in year 0001 or later');

const PrintableText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\x00-\x1f\x7f]+$/, 'must not contain control characters');

/** The filters every officer view shares (search, stats, export). */
const filterShape = {
  serviceId: Uuid.optional().openapi(q('serviceId', 'Events of this service (its id).')),
  purpose: Code.optional().openapi(q('purpose', 'Checks for this purpose, and transitions and requests that list it.')),
  category: Code.optional().openapi(q('category', 'Checks, transitions and requests that list this data category.')),
  decision: z.enum(checkDecisions).optional().openapi(q('decision', 'Checks with this answer.')),
  reason: PrintableText(200)
    .optional()
    .openapi(q('reason', 'A denied check’s reason (`no_consent`, `withdrawn`, `purpose_not_covered`…), or the reason given for a transition.')),
  type: EventTypes.optional().openapi({
    param: { name: 'type', in: 'query', style: 'form', explode: true },
    description: 'Event types (`consent.checked`, `consent.withdrawn`, `request.created`, `officer.searched`…): repeat the parameter or separate with commas; up to 20.',
  }),
  subjectRef: SubjectRef.optional().openapi(q('subjectRef', 'Checks and requests naming this subjectRef, and every event of the consents given under it.')),
  actorType: z.enum(auditActorTypes).optional().openapi(q('actorType', 'Who acted.')),
  actorId: PrintableText(200)
    .optional()
    .openapi(q('actorId', 'The acting citizen’s, admin’s or officer’s account id, the service’s id, or a system actor (`cli`, `expiry-sweep`).')),
  consentId: Uuid.optional().openapi(q('consentId', 'Events of this consent.')),
  from: Instant.optional().openapi(q('from', 'Events at or after this instant (RFC 3339).')),
  to: Instant.optional().openapi(q('to', 'Events before this instant (RFC 3339).')),
};

const rangeInOrder = (v: { from?: string | undefined; to?: string | undefined }) =>
  v.from === undefined || v.to === undefined || Date.parse(v.from) <= Date.parse(v.to);
const rangeMessage = { message: 'must not be after to', path: ['from'] };

const order = z.enum(['asc', 'desc']).default('desc').openapi(q('order', 'By time: `desc` newest first (the default), `asc` oldest first.'));

/** `GET /v1/officer/events`. */
export const OfficerEventQuery = z
  .object({
    ...filterShape,
    order,
    limit: z.coerce.number().int().min(1).max(200).default(50).openapi(q('limit', 'Page size, 1 to 200 (default 50).')),
    cursor: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .openapi(q('cursor', '`nextCursor` of the previous page, with the same filters and order.')),
  })
  .strict()
  .refine(rangeInOrder, rangeMessage);

/** `GET /v1/officer/stats`. */
export const OfficerStatsQuery = z
  .object(filterShape)
  .strict()
  .refine(rangeInOrder, rangeMessage)
  .refine((v) => v.from === undefined || v.to === undefined || Date.parse(v.to) - Date.parse(v.from) <= MAX_STATS_DAYS * 86_400_000, {
    message: `the range may span at most ${MAX_STATS_DAYS} days`,
    path: ['from'],
  });

/** The formats of the export. */
export const exportFormats = ['csv', 'ndjson'] as const;

/** `GET /v1/officer/events/export`. */
export const OfficerExportQuery = z
  .object({
    ...filterShape,
    format: z.enum(exportFormats).openapi(q('format', '`csv` (RFC 4180, with a header row) or `ndjson` (one JSON event per line).')),
    order,
  })
  .strict()
  .refine(rangeInOrder, rangeMessage);

