import { z } from '@hono/zod-openapi';
import { Uuid } from '../../web/schema-fields.js';

/** Largest leaf index or tree size we accept: the range of PostgreSQL `bigint`. */
const MAX_INT8 = (1n << 63n) - 1n;

/** BigInt of a string that passed (or failed) the Decimal check; refinements may see either. */
const big = (s: string | undefined): bigint => {
  try {
    return s === undefined ? -1n : BigInt(s);
  } catch {
    return -1n;
  }
};

/** A leaf index or tree size as a decimal string (it can exceed 2^53, so never a JSON number). */
export const Decimal = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,18})$/, 'must be a non-negative decimal integer without leading zeros')
  .refine((s) => big(s) <= MAX_INT8, 'is too large')
  .openapi({ example: '42', description: 'A non-negative integer as a decimal string (may exceed 2^53).' });

const Base64Hash = z.string().openapi({ description: 'A 32-byte SHA-256 hash, standard base64 (RFC 4648 §4).', example: 'bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=' });

const param = (name: string, description: string) => ({ param: { name, in: 'query' as const }, description });

export const InclusionQuery = z
  .object({
    index: Decimal.optional().openapi(param('index', 'The leaf index. Give either `index` or `eventId`.')),
    eventId: Uuid.optional().openapi(param('eventId', 'The audit event id. Give either `index` or `eventId`.')),
    treeSize: Decimal.optional().openapi(
      param('treeSize', 'Size of the tree to prove against (at most the latest checkpoint). Default: the latest checkpoint; only answers with an explicit size are cacheable.'),
    ),
  })
  .strict()
  .refine((q) => (q.index === undefined) !== (q.eventId === undefined), { message: 'give exactly one of index and eventId', path: ['index'] });

export const ConsistencyQuery = z
  .object({
    from: Decimal.openapi(param('from', 'The smaller tree size, at least 1.')),
    to: Decimal.openapi(param('to', 'The larger tree size, at most the latest checkpoint.')),
  })
  .strict()
  .refine((q) => big(q.from) >= 1n, { message: 'must be at least 1 (a proof from the empty tree is meaningless)', path: ['from'] })
  .refine((q) => big(q.from) <= big(q.to), { message: 'must not exceed to', path: ['from'] });

/** Most leaves one call returns. */
export const MAX_LEAVES_PER_CALL = 1000n;

export const LeavesQuery = z
  .object({
    start: Decimal.openapi(param('start', 'First leaf index (inclusive).')),
    end: Decimal.openapi(param('end', `Last leaf index (exclusive); at most ${MAX_LEAVES_PER_CALL} leaves per call.`)),
  })
  .strict()
  .refine((q) => big(q.end) > big(q.start), { message: 'must be greater than start', path: ['end'] })
  .refine((q) => big(q.end) - big(q.start) <= MAX_LEAVES_PER_CALL, { message: `at most ${MAX_LEAVES_PER_CALL} leaves per call`, path: ['end'] });

export const InclusionProof = z
  .object({
    index: Decimal.openapi({ description: 'The leaf index.' }),
    treeSize: Decimal.openapi({ description: 'The tree size the proof is for.' }),
    leafHash: Base64Hash.openapi({ description: 'RFC 9162 §2.1.1 leaf hash, SHA-256(0x00 ‖ leaf data).' }),
    proof: z.array(Base64Hash).openapi({ description: 'RFC 9162 §2.1.3.1 inclusion proof (audit path), leaf to root.' }),
  })
  .strict()
  .openapi('LogInclusionProof', {
    description: 'Verify with RFC 9162 §2.1.3.2 against the root of a checkpoint of size `treeSize`.',
  });

export const ConsistencyProof = z
  .object({
    from: Decimal,
    to: Decimal,
    proof: z.array(Base64Hash).openapi({ description: 'RFC 9162 §2.1.4.1 consistency proof; empty when `from` = `to`.' }),
  })
  .strict()
  .openapi('LogConsistencyProof', { description: 'Verify with RFC 9162 §2.1.4.2 against the roots of the two checkpoints.' });

export const Leaves = z
  .object({
    start: Decimal,
    end: Decimal,
    leaves: z.array(
      z
        .object({
          index: Decimal,
          data: z.string().openapi({
            description:
              'The leaf data, base64: the RFC 8785 canonical JSON of the audit event with personal fields (citizen ids, ' +
              'subjectRef) replaced by `sha256:` pseudonyms, SHA-256(salt ‖ value) with a per-event salt. Its leaf hash is SHA-256(0x00 ‖ data).',
          }),
        })
        .strict()
        .openapi('LogLeaf'),
    ),
  })
  .strict()
  .openapi('LogLeaves', { description: 'Raw leaf data in leaf order, for monitors that recompute the tree.' });
