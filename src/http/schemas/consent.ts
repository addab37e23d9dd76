import { z } from '@hono/zod-openapi';
import { consentEvents, consentStatuses } from '../../domain/consent.js';
import { Code, Timestamp, Uuid } from '../../web/schema-fields.js';
import { PageQuery } from './common.js';

const Lang = z.enum(['ca', 'es', 'en']);

export const NoticeInput = z
  .object({
    language: Lang,
    version: z.string().min(1).max(64),
    text: z.string().min(1).max(20_000).openapi({ description: 'The exact text shown to the citizen; Permís stores its SHA-256.' }),
  })
  .strict()
  .openapi('NoticeInput');

export const GrantBody = z
  .object({
    serviceId: Uuid,
    purposes: z.array(Code).min(1).max(20),
    dataCategories: z.array(Code).min(1).max(50),
    processing: z.array(Code).max(20).optional(),
    validUntil: Timestamp,
    notice: NoticeInput,
  })
  .strict()
  .openapi('GrantConsent');

export const NarrowBody = z
  .object({
    purposes: z.array(Code).min(1).max(20).optional(),
    dataCategories: z.array(Code).min(1).max(50).optional(),
    processing: z.array(Code).max(20).optional(),
    validUntil: Timestamp.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'give at least one of purposes, dataCategories, processing, validUntil')
  .openapi('NarrowConsent');

export const ReasonBody = z
  .object({ reason: z.string().min(1).max(500).optional() })
  .strict()
  .openapi('TransitionReason');

export const Terms = z
  .object({
    service: Uuid,
    controller: z.object({ name: z.string(), dpoContact: z.string(), policyUrl: z.string() }),
    subjectRef: z.string(),
    purposes: z.array(z.string()),
    dataCategories: z.array(z.string()),
    processing: z.array(z.string()),
    legalBasis: z.literal('dpv:Consent'),
    jurisdiction: z.string(),
    validFrom: z.string(),
    validUntil: z.string(),
    notice: z.object({ language: Lang, version: z.string(), sha256: z.string() }),
    collectionMethod: z.string(),
  })
  .openapi('ConsentTerms', { description: 'The exact object whose RFC 8785 canonical form `termsHash` covers.' });

export const Receipt = z
  .object({
    id: Uuid,
    consentId: Uuid,
    revision: z.number().int(),
    event: z.enum(consentEvents),
    kid: z.string(),
    jws: z.string().openapi({ description: 'Compact JWS, typ consent-receipt+jwt, EdDSA; verify with /.well-known/jwks.json.' }),
    receiptHash: z.string().openapi({ description: 'base64url SHA-256 of the JWS; the next revision\'s predecessorHash.' }),
    createdAt: z.string(),
  })
  .openapi('Receipt');

export const Consent = z
  .object({
    id: Uuid,
    revision: z.number().int(),
    status: z.enum(consentStatuses),
    serviceId: Uuid,
    subjectRef: z.string(),
    purposes: z.array(z.string()),
    dataCategories: z.array(z.string()),
    processing: z.array(z.string()),
    legalBasis: z.string(),
    jurisdiction: z.string(),
    validFrom: z.string(),
    validUntil: z.string(),
    notice: z.object({ language: Lang, version: z.string(), sha256: z.string() }),
    collectionMethod: z.string(),
    terms: Terms,
    termsHash: z.string(),
    lastReceiptHash: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    endedAt: z.string().nullable(),
    endReason: z.string().nullable(),
  })
  .openapi('Consent');

export const ConsentWithReceipt = z.object({ consent: Consent, receipt: Receipt }).openapi('ConsentWithReceipt');

export const ConsentPage = z.object({ items: z.array(Consent), nextCursor: z.string().nullable() }).openapi('ConsentPage');

export const Revision = z
  .object({
    revision: z.number().int(),
    event: z.enum(consentEvents),
    status: z.enum(consentStatuses),
    terms: Terms,
    termsHash: z.string(),
    predecessorHash: z.string().nullable(),
    reason: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('ConsentRevision');

export const ListConsentsQuery = PageQuery.extend({
  status: z.enum(consentStatuses).optional().openapi({ param: { name: 'status', in: 'query' } }),
  serviceId: Uuid.optional().openapi({ param: { name: 'serviceId', in: 'query' } }),
}).strict();

export const ConsentIdParam = z.object({ id: Uuid.openapi({ param: { name: 'id', in: 'path' } }) });
