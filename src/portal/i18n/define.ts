import type { Locale } from './locale.js';

/**
 * A catalogue of one portal area in the three languages. Spanish and English must have
 * exactly the Catalan keys: a missing or extra key is a type error, and
 * `test/portal-i18n.test.ts` checks the same at run time along with the `{placeholders}`.
 */
export type Catalogue<K extends string> = { ca: Record<K, string>; es: Record<K, string>; en: Record<K, string> };

/** Declares an area's messages; the keys of `ca` are the contract for `es` and `en`. */
export function defineMessages<K extends string>(ca: Record<K, string>, es: Record<NoInfer<K>, string>, en: Record<NoInfer<K>, string>): Catalogue<K> {
  return { ca, es, en };
}

/** One language's view of a catalogue: `t(key, { name })` fills `{name}` placeholders. */
export type Translate<K extends string> = (key: K, params?: Record<string, string | number>) => string;

/** The translator for `locale` over `catalogue`. Unknown placeholders are left as written. */
export function translator<K extends string>(catalogue: Catalogue<K>, locale: Locale): Translate<K> {
  const table = catalogue[locale];
  return (key, params) => {
    const text = table[key] ?? catalogue.ca[key] ?? key;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
  };
}
