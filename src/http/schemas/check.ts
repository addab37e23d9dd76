import { z } from '@hono/zod-openapi';
import { denyReasons } from '../../domain/check.js';
import { Code, Uuid } from '../../web/schema-fields.js';
import { SubjectRef } from '../../web/schema-fields.js';

/** One check: `dataCategory` for one category, or `dataCategories` for several (all must be covered). */
export const CheckItemSchema = z
  .object({
    subjectRef: SubjectRef,
    purpose: Code,
    dataCategory: Code.optional(),
    dataCategories: z.array(Code).min(1).max(50).optional(),
    processing: z.union([Code, z.array(Code).max(20)]).optional(),
  })
  .strict()
  .refine((b) => (b.dataCategory === undefined) !== (b.dataCategories === undefined), {
    message: 'give exactly one of dataCategory or dataCategories',
    path: ['dataCategory'],
  })
  .openapi('CheckRequest');

export const CheckBatchBody = z
  .object({ items: z.array(CheckItemSchema).min(1).max(1000) })
  .strict()
  .openapi('CheckBatchRequest');

export const CheckResult = z
  .object({
    decision: z.enum(['permit', 'deny']),
    reason: z.enum(denyReasons).optional(),
    consentId: Uuid.optional(),
    revision: z.number().int().optional(),
    checkId: Uuid.openapi({ description: 'The audit event of this check.' }),
    checkedAt: z.string(),
  })
  .openapi('CheckResult');

export const CheckBatchResult = z.object({ results: z.array(CheckResult) }).openapi('CheckBatchResult');
