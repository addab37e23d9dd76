/**
 * CSV as RFC 4180 defines it, made safe to open in a spreadsheet. Pure functions, no I/O.
 */

/** RFC 4180 §2 item 1: records end with CRLF. */
export const CSV_EOL = '\r\n';

// OWASP "CSV Injection": a cell a spreadsheet would read as a formula (=, +, -, @, and the
// tab and carriage return that some strip before the check) is prefixed with a quote.
const FORMULA_START = /^[=+\-@\t\r]/;

// RFC 4180 §2 item 6: a field holding a double quote, comma, CR or LF must be quoted.
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One field: null/undefined as empty, a formula-like text neutralised with a leading `'`,
 * quoted when RFC 4180 requires it, with inner double quotes doubled (§2 item 7).
 */
export function csvField(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One record: the fields joined by commas, ending in CRLF. */
export function csvRecord(values: readonly (string | null | undefined)[]): string {
  return values.map(csvField).join(',') + CSV_EOL;
}
