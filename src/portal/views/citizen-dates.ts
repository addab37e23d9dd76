/**
 * Calendar dates typed into forms (`<input type="date">`, ISO 8601 `YYYY-MM-DD`) read in the
 * page's time zone: a date means the whole of that day where the reader lives.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds `timeZone` is ahead of UTC at `at`. */
function zoneOffsetMs(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((x) => x.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant a calendar day starts in `timeZone`; undefined for a malformed or impossible date. */
export function startOfDay(value: string, timeZone: string): Date | undefined {
  const m = DATE.exec(value);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utc = Date.UTC(y, mo - 1, d);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined;
  return new Date(utc - zoneOffsetMs(timeZone, new Date(utc)));
}

/** The last second of a calendar day in `timeZone` (a consent "until 3 March" lasts all of 3 March). */
export function endOfDay(value: string, timeZone: string): Date | undefined {
  const start = startOfDay(value, timeZone);
  if (!start) return undefined;
  const [y, mo, d] = value.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, mo - 1, d + 1)).toISOString().slice(0, 10);
  return new Date(startOfDay(next, timeZone)!.getTime() - 1000);
}

/** The calendar day (`YYYY-MM-DD`) of an instant in `timeZone`, as date inputs take it. */
export function dayOf(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
