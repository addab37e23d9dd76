/** Schemas of the citizen's own data: the access log ("who used my data"), the export, and erasure. */
import { z } from '@hono/zod-openapi';
import { Passkey } from './citizen.js';
import { Code, Timestamp, Uuid } from '../../web/schema-fields.js';
import { PageQuery } from './common.js';
import { Consent, Receipt, Revision } from './consent.js';
import { Decimal } from './log.js';
import { ConsentRequest } from './request.js';

const q = (description: string) => ({ param: { in: 'query' as const }, description });

/** An audit event type, e.g. `consent.checked`. */
const EventType = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z_]*(\.[a-z][a-z_]*)+$/, 'an event type such as consent.checked');

export const AccessLogQuery = PageQuery.extend({
  serviceId: Uuid.optional().openapi(q('Only events concerning this service.')),
  purpose: Code.optional().openapi(q('Only checks for this purpose, and transitions and requests listing it.')),
  category: Code.optional().openapi(q('Only events listing this data category.')),
  decision: z.enum(['permit', 'deny']).optional().openapi(q('Only checks with this answer.')),
  type: EventType.optional().openapi(q('Only events of this type, e.g. `consent.checked` or `consent.withdrawn`.')),
  from: Timestamp.optional().openapi(q('Only events at or after this time.')),
  to: Timestamp.optional().openapi(q('Only events before this time.')),
})
  .strict()
  .refine((v) => v.from === undefined || v.to === undefined || Date.parse(v.from) < Date.parse(v.to), { message: 'must be before to', path: ['from'] });

const LocalisedName = z.record(z.string(), z.string()).openapi({ example: { ca: 'Serveis socials', es: 'Servicios sociales', en: 'Social services' } });

/** What happened, as the citizen reads it (also the export's access-log item). */
export const AccessEvent = z
  .object({
    id: Uuid.openapi({ description: 'The audit event id (also `eventId` of `/v1/log/proof/inclusion`).' }),
    type: z.string().openapi({ example: 'consent.checked' }),
    time: z.string().openapi({ example: '2026-11-03T10:15:00.123Z' }),
    actorType: z.enum(['citizen', 'service', 'admin', 'officer', 'system']),
    service: z.object({ id: Uuid, clientId: z.string(), name: LocalisedName }).nullable(),
    consentId: Uuid.nullable(),
    purposes: z.array(z.string()).openapi({ description: 'The purpose a check asked about, or the purposes a transition or request lists.' }),
    dataCategories: z.array(z.string()),
    processing: z.array(z.string()),
    decision: z.enum(['permit', 'deny']).nullable().openapi({ description: 'The answer of a check; null for other events.' }),
    reason: z.string().nullable().openapi({ description: 'Why a check was denied, or the reason given for a transition.' }),
    redacted: z.boolean().openapi({ description: 'True when the personal fields of the event were erased (the leaf is unchanged).' }),
    leafIndex: Decimal.nullable().openapi({ description: 'The event\'s leaf in the transparency log; null until it is integrated (about a second).' }),
  })
  .openapi('MyAccessEvent');

/** An access-log entry with what an independent verifier needs. */
export const AccessLogEntry = AccessEvent.extend({
  leafData: z.string().nullable().openapi({
    description:
      'The leaf data, standard base64: the RFC 8785 canonical JSON of the event as the log commits to it, personal fields replaced by ' +
      '`sha256:` pseudonyms. Its leaf hash is SHA-256(0x00 ‖ leafData) (RFC 9162 §2.1.1). Null when `leafIndex` is.',
  }),
  leafHash: z.string().nullable().openapi({ description: 'SHA-256(0x00 ‖ leafData), standard base64.' }),
  inclusionProof: z.array(z.string()).nullable().openapi({
    description: 'RFC 9162 §2.1.3 inclusion proof (base64 hashes, leaf to root) of `leafIndex` in the tree of `treeSize` leaves of the page\'s `checkpoint`.',
  }),
  salt: z.string().nullable().openapi({
    description:
      'The event\'s 32-byte salt, standard base64, so you can open the pseudonyms in `leafData`: each is `sha256:` + base64url(SHA-256(salt ‖ ' +
      'UTF-8 value)); e.g. `citizenId` hashes your account id (`GET /v1/me`). Null when not integrated or redacted.',
  }),
}).openapi('MyAccessLogEntry');

export const AccessLogPage = z
  .object({
    checkpoint: z.string().nullable().openapi({
      description:
        'The latest signed checkpoint (C2SP tlog-checkpoint signed note, as `GET /v1/log/checkpoint` serves it) that every proof on this ' +
        'page is against. Verify its signature with `GET /v1/log/key`. Null before the first checkpoint.',
    }),
    treeSize: Decimal.nullable().openapi({ description: 'The tree size of `checkpoint`.' }),
    items: z.array(AccessLogEntry),
    nextCursor: z.string().nullable(),
  })
  .openapi('MyAccessLogPage');

/** The exact phrase that confirms an erasure. */
export const ERASURE_CONFIRMATION = 'erase my account';

export const ErasureBody = z
  .object({
    confirm: z.literal(ERASURE_CONFIRMATION).openapi({ description: `Exactly "${ERASURE_CONFIRMATION}".`, example: ERASURE_CONFIRMATION }),
  })
  .strict()
  .openapi('AccountErasureRequest');

export const ErasureResultSchema = z
  .object({
    erasedAt: z.string(),
    withdrawnConsents: z.number().int().openapi({ description: 'Consents withdrawn by the erasure (each service was notified with `consent.withdrawn`).' }),
    rejectedRequests: z.number().int().openapi({ description: 'Pending requests rejected by the erasure (`request.rejected`).' }),
    redactedEvents: z.number().int().openapi({ description: 'Audit events whose personal fields were erased.' }),
  })
  .openapi('AccountErasure');

const ExportedSession = z
  .object({ id: Uuid, createdAt: z.string(), expiresAt: z.string(), revokedAt: z.string().nullable(), userAgent: z.string().nullable() })
  .openapi('MyExportedSession');

const ExportedPasskey = Passkey.extend({ publicKey: z.string().openapi({ description: 'The COSE public key, base64url.' }) }).openapi('MyExportedPasskey');

const ExportedConsent = Consent.extend({ revisions: z.array(Revision), receipts: z.array(Receipt) }).openapi('MyExportedConsent');

export const DataExport = z
  .object({
    format: z.literal('permis-export/1'),
    exportedAt: z.string(),
    profile: z.object({ id: Uuid, displayName: z.string(), createdAt: z.string() }),
    roles: z.array(z.object({ role: z.string(), grantedAt: z.string() })),
    passkeys: z.array(ExportedPasskey),
    sessions: z.array(ExportedSession),
    consents: z.array(ExportedConsent),
    requests: z.array(ConsentRequest),
    accessLog: z.array(AccessEvent),
    notifications: z
      .object({
        language: z.enum(['ca', 'es', 'en']),
        preferences: z.array(z.object({ type: z.string(), inbox: z.boolean(), email: z.boolean() })),
        email: z.object({ address: z.string(), status: z.enum(['unconfirmed', 'confirmed']), addedAt: z.string(), confirmedAt: z.string().nullable() }).nullable(),
        items: z.array(
          z.object({
            id: Uuid,
            type: z.string(),
            createdAt: z.string(),
            readAt: z.string().nullable(),
            consentId: Uuid.nullable(),
            requestId: Uuid.nullable(),
            data: z.record(z.string(), z.unknown()),
          }),
        ),
        truncated: z.boolean(),
      })
      .openapi({ description: 'Notification settings, the e-mail address (decrypted) and the notifications, newest first (at most 1,000).' }),
    truncated: z
      .object({ sessions: z.boolean(), consents: z.boolean(), requests: z.boolean(), accessLog: z.boolean() })
      .openapi({ description: 'True for a section cut at its limit (the newest entries are kept); page through the section\'s own endpoint for the rest.' }),
  })
  .openapi('MyDataExport');
