/**
 * Well-formed text only (RFC 8259 §8.1, Unicode §3.9 D89): a JSON string may spell a lone
 * surrogate (`"\ud800"`), which is no Unicode text at all — PostgreSQL refuses it in `jsonb`
 * and `text`, signatures over it depend on how a library mends it. Every JSON body is walked
 * once here, at the edge, so no operation ever sees one.
 */
import type { FieldError } from './errors.js';

// With the `u` flag a surrogate pair is one code point, so this matches lone surrogates only.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** True when `s` is well-formed UTF-16 (no lone surrogate). */
export const isWellFormedText = (s: string): boolean => !LONE_SURROGATE.test(s);

/** Where a string in a parsed JSON value breaks well-formedness, as `body.a.0.b`; none: undefined. */
export function firstIllFormedString(value: unknown, path = 'body'): FieldError | undefined {
  if (typeof value === 'string') {
    return isWellFormedText(value) ? undefined : { field: path, message: 'must be well-formed Unicode text (no lone surrogates)' };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstIllFormedString(value[i], `${path}.${i}`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!isWellFormedText(k)) return { field: path, message: 'member names must be well-formed Unicode text (no lone surrogates)' };
      const found = firstIllFormedString(v, `${path}.${k}`);
      if (found) return found;
    }
  }
  return undefined;
}

/** Every C0 and C1 control character (Unicode general category Cc). */
export const CONTROL_CHARACTERS = /[\x00-\x1f\x7f-\x9f]/;
