import { z } from '@hono/zod-openapi';
import { Code, SubjectRef, Uuid } from '../../web/schema-fields.js';
import { PageQuery } from './common.js';
import { Consent, Receipt, Terms } from './consent.js';

const Lang = z.enum(['ca', 'es', 'en']);
const requestStatuses = ['pending', 'approved', 'rejected', 'expired', 'cancelled'] as const;

const ReturnUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((u) => {
    // zod runs refinements even after z.url() refused the value ("%00"): that refusal is the
    // field's error already, so only a parsable URL is judged here.
    if (!URL.canParse(u)) return true;
    const url = new URL(u);
    return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  }, 'must be https (http only for localhost)');

export const CreateRequestBody = z
  .object({
    subjectRef: SubjectRef,
    purposes: z.array(Code).min(1).max(20),
    dataCategories: z.array(Code).min(1).max(50),
    processing: z.array(Code).max(20).optional(),
    durationDays: z.number().int().min(1).max(3650),
    notice: z
      .object({
        version: z.string().min(1).max(64),
        texts: z
          .object({ ca: z.string().min(1).max(20_000).optional(), es: z.string().min(1).max(20_000).optional(), en: z.string().min(1).max(20_000).optional() })
          .strict()
          .refine((t) => Object.keys(t).length > 0, 'give the notice in at least one of ca, es, en'),
      })
      .strict(),
    returnUrl: ReturnUrl.optional(),
    expiresInDays: z.number().int().min(1).max(30).optional(),
  })
  .strict()
  .openapi('CreateConsentRequest');

export const ConsentRequest = z
  .object({
    id: Uuid,
    status: z.enum(requestStatuses),
    serviceId: Uuid,
    subjectRef: z.string(),
    purposes: z.array(z.string()),
    dataCategories: z.array(z.string()),
    processing: z.array(z.string()),
    durationDays: z.number().int(),
    notice: z.object({ version: z.string(), languages: z.array(Lang) }),
    returnUrl: z.string().nullable(),
    approvalUrl: z.string(),
    expiresAt: z.string(),
    createdAt: z.string(),
    decidedAt: z.string().nullable(),
    consentId: Uuid.nullable(),
  })
  .openapi('ConsentRequest');

export const ConsentRequestPage = z.object({ items: z.array(ConsentRequest), nextCursor: z.string().nullable() }).openapi('ConsentRequestPage');

export const ListRequestsQuery = PageQuery.extend({
  status: z.enum(requestStatuses).optional().openapi({ param: { in: 'query' } }),
  subjectRef: SubjectRef.optional().openapi({ param: { in: 'query' } }),
}).strict();

export const CitizenListRequestsQuery = PageQuery.extend({
  status: z.enum(requestStatuses).optional().openapi({ param: { in: 'query' } }),
}).strict();

export const LangQuery = z.object({ lang: Lang.optional().openapi({ param: { in: 'query' } }) }).strict();

const TermText = z.object({ code: z.string(), label: z.string(), description: z.string(), sensitive: z.boolean() });

export const CitizenRequestView = ConsentRequest.omit({ subjectRef: true })
  .extend({
    language: Lang,
    noticeText: z.string(),
    service: z.object({
      id: Uuid,
      name: z.string(),
      description: z.string(),
      controller: z.object({ name: z.string(), dpoContact: z.string(), policyUrl: z.string() }),
    }),
    purposeTerms: z.array(TermText),
    categoryTerms: z.array(TermText),
    processingTerms: z.array(TermText),
  })
  .openapi('CitizenConsentRequest');

export const ApprovalOptionsBody = z.object({ language: Lang.optional() }).strict().openapi('ApprovalOptionsRequest');

export const ApprovalCeremony = z
  .object({
    ceremonyId: Uuid,
    options: z.record(z.string(), z.unknown()).openapi({ description: 'PublicKeyCredentialRequestOptionsJSON; its challenge is base64url(SHA-256(nonce ‖ termsHash)).' }),
    terms: Terms,
    termsHash: z.string(),
    nonce: z.string().openapi({ description: 'base64url of 32 random bytes' }),
  })
  .openapi('ApprovalCeremony');

export const ApproveBody = z
  .object({
    ceremonyId: Uuid,
    response: z
      .object({
        id: z.string().min(1).max(1024),
        rawId: z.string().min(1).max(1024),
        type: z.literal('public-key'),
        response: z
          .object({
            clientDataJSON: z.string().min(1).max(8192),
            authenticatorData: z.string().min(1).max(8192),
            signature: z.string().min(1).max(2048),
            userHandle: z.string().max(1024).optional(),
          })
          .strict(),
        clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
        authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
      })
      .strict(),
  })
  .strict()
  .openapi('ApproveConsentRequest');

export const ApprovalResult = z.object({ consent: Consent, receipt: Receipt, request: ConsentRequest }).openapi('ApprovalResult');
