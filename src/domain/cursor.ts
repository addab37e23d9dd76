/**
 * Opaque list cursors: a list position (a row id) as base64url, so clients treat it as a
 * token and never build one; and the page a `limit + 1` read makes.
 */
import { b64url, fromB64, utf8 } from '@permis/sdk/encoding';
import { ValidationError } from './errors.js';

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

/** A page of `rows` fetched with `limit + 1`: the items and the cursor of the next page. */
export function pageOf<R extends { id: string }, V>(rows: R[], limit: number, view: (r: R) => V): { items: V[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { items: page.map(view), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null };
}
