/**
 * Wall-clock dates and times in the portal's time zone and the instants they stand for.
 * Form inputs carry no offset — `<input type="date">` (`YYYY-MM-DD`) and `datetime-local`
 * (`YYYY-MM-DDTHH:MM[:SS]`, HTML §4.10.5.1.7–8) — so they are read in the page's IANA time
 * zone, whatever the server's own: a date means the whole of that day where the reader lives.
 */

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Milliseconds the zone is ahead of UTC at instant `ms`. */
function offsetAt(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant (RFC 3339, UTC) of the wall-clock time `local` in `timeZone`, or undefined when
 * `local` is not a real date and time. In the hour clocks skip or repeat, one of the two
 * nearby instants.
 */
export function localToInstant(local: string, timeZone: string): string | undefined {
  const m = LOCAL.exec(local);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(asUtc);
  if (y < 1 || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  const first = asUtc - offsetAt(asUtc, timeZone);
  const second = asUtc - offsetAt(first, timeZone);
  return new Date(Math.min(first, second)).toISOString();
}

/** The wall-clock time (`YYYY-MM-DDTHH:MM`) in `timeZone` of instant `iso`, for a `datetime-local` input. */
export function instantToLocal(iso: string | Date, timeZone: string): string {
  const ms = new Date(iso).getTime();
  return new Date(ms + offsetAt(ms, timeZone)).toISOString().slice(0, 16);
}

/** The instant a calendar day (`YYYY-MM-DD`) starts in `timeZone`; undefined for a malformed or impossible date. */
export function startOfDay(value: string, timeZone: string): Date | undefined {
  if (!DATE.test(value)) return undefined;
  const at = localToInstant(`${value}T00:00`, timeZone);
  return at === undefined ? undefined : new Date(at);
}

/** The last second of a calendar day in `timeZone` (a consent "until 3 March" lasts all of 3 March). */
export function endOfDay(value: string, timeZone: string): Date | undefined {
  if (!startOfDay(value, timeZone)) return undefined;
  const [y, mo, d] = value.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, mo - 1, d + 1)).toISOString().slice(0, 10);
  return new Date(startOfDay(next, timeZone)!.getTime() - 1000);
}

/** The calendar day (`YYYY-MM-DD`) of an instant in `timeZone`, as date inputs take it. */
export function dayOf(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
