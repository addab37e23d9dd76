/**
 * RFC 8785 (JCS) canonical JSON text, written for the log's hot path (every audit event is
 * serialised into its leaf): the same text as the `canonicalize` package, which
 * `canonicalJson` (terms-hash.ts) uses, without its per-character surrogate scan and its
 * bookkeeping of visited objects; test/canonical-json.test.ts checks the two against each other.
 */
import { InternalError } from '../domain/errors.js';

/** A UTF-16 surrogate without its pair: not Unicode text, so JCS cannot serialise it (RFC 8785 §3.2.2.2). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Deeper than this is taken for a cycle (JSON from the database is never this deep). */
const MAX_DEPTH = 1000;

/** What JSON.stringify escapes (quote, backslash, controls) or what must be checked (surrogates). */
const SPECIAL = /["\\\u0000-\u001f\ud800-\udfff]/;

/** RFC 8785 §3.2.2.2: a string as ECMAScript's JSON.stringify writes it; lone surrogates refused. */
function text(s: string): string {
  if (!SPECIAL.test(s)) return `"${s}"`;
  if (LONE_SURROGATE.test(s)) throw new InternalError('not_canonical_json', 'Lone surrogate is not allowed');
  return JSON.stringify(s);
}

function write(value: unknown, depth: number): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return text(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      // RFC 8785 §3.2.2.3: ECMAScript's Number serialisation; NaN and the infinities are not JSON.
      if (!Number.isFinite(value)) throw new InternalError('not_canonical_json', Number.isNaN(value) ? 'NaN is not allowed' : 'Infinity is not allowed');
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`a ${typeof value} has no JSON form`);
  }
  if (depth > MAX_DEPTH) throw new InternalError('not_canonical_json', 'Circular reference detected');
  const obj = value as Record<string, unknown> & { toJSON?: () => unknown };
  if (typeof obj.toJSON === 'function') return write(obj.toJSON(), depth + 1);
  if (Array.isArray(obj)) {
    let s = '[';
    for (let i = 0; i < obj.length; i++) {
      const v: unknown = obj[i];
      if (i > 0) s += ',';
      s += v === undefined || typeof v === 'symbol' ? 'null' : write(v, depth + 1);
    }
    return `${s}]`;
  }
  // RFC 8785 §3.2.3: members sorted by their names' UTF-16 code units (the default sort order).
  const keys = Object.keys(obj).sort();
  let s = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined || typeof v === 'symbol') continue;
    s += `${first ? '' : ','}${text(k)}:${write(v, depth + 1)}`;
    first = false;
  }
  return `${s}}`;
}

/** RFC 8785 canonical JSON text of `value` (JSON data: what JSON.parse gives, and objects with `toJSON`). */
export function canonicalJsonText(value: unknown): string {
  if (value === undefined) throw new TypeError('value cannot be canonicalized');
  return write(value, 0);
}
