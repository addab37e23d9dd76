import { z } from '@hono/zod-openapi';
import { fromB64, b64url, utf8 } from '../../domain/encoding.js';
import { ValidationError } from '../../domain/errors.js';

/** A UUID path or body parameter. */
export const Uuid = z.uuid().openapi({ example: '01938f2e-8a4b-7c3d-9e5f-0a1b2c3d4e5f' });

/** A catalogue code (kebab-case). */
export const Code = z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'must be a catalogue code (lowercase, digits, hyphens)');

/** RFC 3339 timestamp with offset. */
export const Timestamp = z.iso.datetime({ offset: true }).openapi({ example: '2027-06-30T00:00:00Z' });

/** `limit` and `cursor` query parameters for cursor pagination (DESIGN §8). */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z.string().max(200).optional().openapi({ param: { name: 'cursor', in: 'query' } }),
});

/** Encodes a list position as an opaque cursor. */
export const encodeCursor = (id: string): string => b64url(utf8(id));

/** Decodes an opaque cursor to the id it stands for; a bad cursor is a validation error. */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const id = new TextDecoder('utf-8', { fatal: true }).decode(fromB64(cursor));
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) return id;
  } catch {
    // fall through
  }
  throw new ValidationError('query.cursor: not a cursor this API issued', [{ field: 'query.cursor', message: 'invalid cursor' }]);
}

/** `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): makes a retried creating POST safe. */
export const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .optional()
    .openapi({ param: { in: 'header' }, description: 'Makes a retried POST safe: the first response is replayed.' }),
});

/** A page of `rows` fetched with `limit + 1`: the items and the cursor of the next page. */
export function pageOf<R extends { id: string }, V>(rows: R[], limit: number, view: (r: R) => V): { items: V[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { items: page.map(view), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null };
}
