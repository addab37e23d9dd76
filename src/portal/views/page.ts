import type { Context } from 'hono';
import type { Locale } from '../i18n/locale.js';
import type { T } from '../messages/index.js';
import type { PortalEnv, Viewer } from '../portal-env.js';

/** What every view needs to know about the request it renders for. */
export interface Page {
  locale: Locale;
  t: T;
  viewer: Viewer | undefined;
  /** Path and query of this page (for the language switch and "come back here" links). */
  path: string;
  /** IANA time zone in which times are shown. */
  timeZone: string;
}

/** The Page of a portal request (after portalContext). */
export function pageOf(c: Context<PortalEnv>): Page {
  const url = new URL(c.req.url);
  return {
    locale: c.get('locale'),
    t: c.get('t'),
    viewer: c.get('viewer'),
    path: `${url.pathname}${url.search}`,
    timeZone: c.get('deps').config.timeZone ?? 'Europe/Madrid',
  };
}

/** A date and time in the page's language and time zone, e.g. "27 de nov. 2026, 10:15". */
export function formatDateTime(p: Page, d: Date | string): string {
  return new Intl.DateTimeFormat(p.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: p.timeZone }).format(new Date(d));
}

/** A calendar date in the page's language and time zone, e.g. "27 de nov. 2026". */
export function formatDate(p: Page, d: Date | string): string {
  return new Intl.DateTimeFormat(p.locale, { dateStyle: 'medium', timeZone: p.timeZone }).format(new Date(d));
}

/** A number with the page's grouping, e.g. "12.345" in Catalan. */
export function formatNumber(p: Page, n: number | bigint): string {
  return new Intl.NumberFormat(p.locale).format(n);
}
