import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type FieldError, PermisError, type ProblemCode, problemCodes } from '../domain/errors.js';
import { problemShape } from './problem-table.js';

/** RFC 9457 §3: the problem details object, plus our stable `code`. */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'urn:permis:problem:validation_failed' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    code: z.enum(problemCodes),
    requestId: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .catchall(z.unknown())
  .openapi('Problem', { description: 'RFC 9457 problem details with a stable machine `code`.' });

export type Problem = z.infer<typeof ProblemSchema>;

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };

const descriptions: Record<number, string> = {
  400: 'Invalid request (validation_failed, malformed_json, or a rule such as term_not_allowed).',
  401: 'Not authenticated.',
  403: 'Authenticated but not allowed.',
  404: 'Not found, or not yours.',
  409: 'Conflicts with the current state (e.g. illegal_transition).',
  412: 'If-Match did not match the current revision (precondition_failed).',
  422: 'Idempotency-Key reused with a different body (idempotency_key_reused).',
  413: 'Body too large.',
  415: 'Content type is not application/json.',
  429: 'Too many requests; see Retry-After.',
  503: 'Temporarily unavailable.',
};

/** OpenAPI `responses` entries for the given problem statuses, for use in `createRoute`. */
export function problemResponses(...statuses: number[]) {
  const out: Record<number, { description: string; content: typeof problemContent }> = {};
  for (const s of [...statuses, 413, 415, 503]) {
    out[s] = { description: descriptions[s] ?? 'Problem', content: problemContent };
  }
  return out;
}

/** The `type` URI for a code (RFC 9457 §3.1.1: a URI reference identifying the problem type). */
export const problemType = (code: string): string => `urn:permis:problem:${code}`;

/** Renders a PermisError whose code callers may see as an `application/problem+json` response (status and title from the problem table). */
export function problemResponse(c: Context, err: PermisError<ProblemCode>, headers: Record<string, string> = {}): Response {
  const { status, title } = problemShape(err);
  const body: Problem = {
    type: problemType(err.code),
    title,
    status,
    detail: err.message,
    code: err.code,
    instance: c.req.path,
    ...err.data,
  };
  const requestId = c.get('requestId') as string | undefined;
  if (requestId) body.requestId = requestId;
  return c.body(JSON.stringify(body), status as ContentfulStatusCode, {
    ...headers,
    'content-type': 'application/problem+json',
  });
}

/** Converts zod issues into field errors with dotted paths prefixed by the request part. */
export function fieldErrors(part: string, issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.slice(0, 20).map((i) => ({
    field: [part, ...i.path.map(String)].join('.'),
    message: i.message.length > 200 ? `${i.message.slice(0, 200)}…` : i.message,
  }));
}

