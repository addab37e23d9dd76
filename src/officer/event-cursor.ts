/**
 * The opaque cursor of officers' event pages: the order and the exact position (time to the
 * microsecond, id) of the last event of a page, so the next page continues strictly after it.
 */
import { b64url, fromB64, utf8 } from '@permis/sdk/encoding';
import { ValidationError } from '../domain/errors.js';
import type { EventOrder, EventPosition } from '../storage/event-search.js';

const CURSOR = /^(asc|desc)\|(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

const invalid = (message: string) => new ValidationError(`query.cursor: ${message}`, [{ field: 'query.cursor', message }]);

/** True for a calendar-valid instant PostgreSQL accepts (Date.parse would roll 02-30 over to 03-02). */
const isRealInstant = (s: string): boolean => {
  const ms = Date.parse(s);
  return !s.startsWith('0000') && Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 19) === s.slice(0, 19);
};

/** The cursor that continues after `p` in `order`. */
export const encodeEventCursor = (order: EventOrder, p: EventPosition): string => b64url(utf8(`${order}|${p.createdAt}|${p.id}`));

/**
 * The position a cursor stands for. A cursor this API did not issue, or one issued for the
 * other order, is a 400 `validation_failed` naming `query.cursor`.
 */
export function decodeEventCursor(cursor: string | undefined, order: EventOrder): EventPosition | undefined {
  if (cursor === undefined) return undefined;
  let m: RegExpExecArray | null = null;
  try {
    m = CURSOR.exec(new TextDecoder('utf-8', { fatal: true }).decode(fromB64(cursor)));
  } catch {
    // not base64url or not UTF-8: invalid below
  }
  if (!m || !isRealInstant(m[2]!)) throw invalid('not a cursor this API issued');
  if (m[1] !== order) throw invalid(`this cursor continues a list in ${m[1]} order`);
  return { createdAt: m[2]!, id: m[3]! };
}
