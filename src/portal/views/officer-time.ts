/**
 * Wall-clock times in the portal's time zone and the instants they stand for: the officer's
 * `datetime-local` inputs (HTML §4.10.5.1.8, `YYYY-MM-DDTHH:MM[:SS]`) carry no offset, so they
 * are read in the page's IANA time zone, whatever the server's own.
 */

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

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
