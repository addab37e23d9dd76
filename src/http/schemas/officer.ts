/** Request and response schemas of the officer's view of the access log (`/v1/officer/…`, DESIGN §4.4). */
import { z } from '@hono/zod-openapi';
import { auditActorTypes, checkDecisions } from '../../storage/event-filter.js';
import { Code, Timestamp, Uuid } from './common.js';
import { SubjectRef } from './request.js';

const q = (name: string, description: string) => ({ param: { name, in: 'query' as const }, description });

/** Longest range the stats cover in one call. */
export const MAX_STATS_DAYS = 366;
/** The range the stats cover when the call gives none. */
export const DEFAULT_STATS_DAYS = 30;

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

/** One audit event as officers see it. */
export const OfficerEvent = z
  .object({
    id: Uuid,
    type: z.string().openapi({ example: 'consent.checked' }),
    createdAt: z.iso.datetime(),
    actorType: z.enum(auditActorTypes),
    actorId: z.string().nullable(),
    serviceId: Uuid.nullable(),
    serviceClientId: z.string().nullable().openapi({ description: 'The client id of `serviceId`.' }),
    citizenId: Uuid.nullable().openapi({ description: 'The citizen the event is about, when known.' }),
    consentId: Uuid.nullable(),
    requestId: z.string().nullable().openapi({ description: 'The id of the HTTP request that caused the event (`X-Request-Id`).' }),
    data: z.record(z.string(), z.unknown()).openapi({
      description:
        'What happened. Checks: `subjectRef`, `purpose`, `dataCategories`, `processing`, `decision`, `reason` (when denied). ' +
        'Transitions: `revision`, `status`, `purposes`, `dataCategories`, `processing`, `validUntil`, `termsHash`, `receiptId`. ' +
        'Officers’ queries: `query`.',
    }),
    leafIndex: z
      .string()
      .nullable()
      .openapi({ example: '42', description: 'The event’s leaf index in the transparency log (decimal), null until integrated.' }),
    redacted: z.boolean().openapi({ description: 'Personal fields were redacted by an erasure (GDPR Art. 17); the leaf still verifies.' }),
  })
  .strict()
  .openapi('OfficerEvent');

/** A page of events. */
export const OfficerEventPage = z
  .object({ items: z.array(OfficerEvent), nextCursor: z.string().nullable() })
  .strict()
  .openapi('OfficerEventPage');

const ServiceCount = z
  .object({ serviceId: Uuid.nullable(), clientId: z.string().nullable(), count: z.number().int() })
  .strict()
  .openapi('OfficerServiceCount', { description: 'Events of one service; `serviceId` null for events of no service (sign-ups, admin actions…).' });

/** The aggregates. */
export const OfficerStats = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    total: z.number().int(),
    byService: z.array(ServiceCount).openapi({ description: 'Largest first.' }),
    byPurpose: z
      .array(z.object({ purpose: z.string(), count: z.number().int() }).strict())
      .openapi({ description: 'A check counts for its purpose; a transition or request once for each purpose it lists. Largest first.' }),
    byDay: z
      .array(z.object({ day: z.iso.date(), count: z.number().int() }).strict())
      .openapi({ description: 'UTC days with at least one event, oldest first.' }),
    denied: z
      .object({
        total: z.number().int(),
        byReason: z.array(z.object({ reason: z.string(), count: z.number().int() }).strict()),
        byService: z.array(ServiceCount),
      })
      .strict()
      .openapi({ description: 'Denied checks among the selected events.' }),
  })
  .strict()
  .openapi('OfficerStats');
