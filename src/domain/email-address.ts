import { ValidationError } from './errors.js';

/** RFC 5322 §3.2.3 atext (the characters of a dot-atom), ASCII only. */
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
/** A host name of LDH labels (RFC 1035 §2.3.1, RFC 5890 A-labels for international names). */
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const ADDRESS = new RegExp(`^${ATOM}(?:\\.${ATOM})*@${LABEL}(?:\\.${LABEL})+$`);

/**
 * Checks and normalises an e-mail address a citizen types: a dot-atom local part and a
 * domain of at least two labels (RFC 5321 §4.1.2 Mailbox without quoted strings or address
 * literals), at most 254 characters (RFC 5321 §4.5.3.1), the domain lowercased. Throws a
 * ValidationError on `field` otherwise.
 */
export function normaliseEmailAddress(input: string, field = 'body.address'): string {
  const s = input.trim();
  const at = s.lastIndexOf('@');
  if (s.length > 254 || at < 1 || at > 64 || !ADDRESS.test(s)) {
    throw new ValidationError(`${field}: not an e-mail address`, [{ field, message: 'not an e-mail address' }]);
  }
  return `${s.slice(0, at)}@${s.slice(at + 1).toLowerCase()}`;
}
