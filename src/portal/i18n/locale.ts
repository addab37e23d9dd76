/**
 * The portal's languages: Catalan, Spanish and English, Catalan the fallback.
 * The choice comes from `?lang=`, then the remembered `permis_lang` cookie, then
 * `Accept-Language` (RFC 9110 §12.5.4, quality values honoured).
 */

/** Languages the portal speaks, the fallback first. */
export const LOCALES = ['ca', 'es', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** The fallback language (the city's own). */
export const DEFAULT_LOCALE: Locale = 'ca';

/** `value` as a Locale when it names one we speak (case-insensitive, region ignored). */
export function asLocale(value: string | undefined | null): Locale | undefined {
  const tag = (value ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return (LOCALES as readonly string[]).includes(tag ?? '') ? (tag as Locale) : undefined;
}

/**
 * The best language for an `Accept-Language` header: the highest-quality range we speak
 * (ties keep header order); `*` means the fallback; nothing usable means the fallback.
 */
export function negotiateLocale(header: string | undefined): Locale {
  const ranges: { tag: string; q: number; order: number }[] = [];
  (header ?? '').split(',').forEach((part, order) => {
    const [range, ...params] = part.split(';').map((s) => s.trim());
    if (!range) return;
    let q = 1;
    for (const p of params) {
      const m = /^q=([01](?:\.\d{0,3})?)$/i.exec(p);
      if (m) q = Number(m[1]);
    }
    if (q > 0) ranges.push({ tag: range, q, order });
  });
  ranges.sort((a, b) => b.q - a.q || a.order - b.order);
  for (const r of ranges) {
    if (r.tag === '*') return DEFAULT_LOCALE;
    const l = asLocale(r.tag);
    if (l) return l;
  }
  return DEFAULT_LOCALE;
}
