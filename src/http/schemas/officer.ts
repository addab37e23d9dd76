/** Request and response schemas of the officer's view of the access log (`/v1/officer/…`). */
import { z } from '@hono/zod-openapi';
import { auditActorTypes } from '../../storage/event-filter.js';
import { Uuid } from '../../web/schema-fields.js';

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
