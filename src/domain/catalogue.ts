/**
 * The vocabulary: purposes, data categories and processing operations, each with
 * a kebab-case code, an optional W3C DPV term and text in ca, es and en. Pure rules, no I/O.
 */
import { RuleError } from './errors.js';

/** The languages every catalogue text and service text is written in. */
export const langs = ['ca', 'es', 'en'] as const;
export type Lang = (typeof langs)[number];

/** A text in each of the three languages. */
export type Localised = Record<Lang, string>;

/** The same texts with keys in the order ca, es, en (jsonb keeps its own key order). */
export const inLangOrder = (t: Localised): Localised => ({ ca: t.ca, es: t.es, en: t.en });

/** The three kinds of catalogue entry. */
export const termKinds = ['purpose', 'category', 'processing'] as const;
export type TermKind = (typeof termKinds)[number];

/** One catalogue entry as stored. */
export interface CatalogueTerm {
  kind: TermKind;
  /** Kebab-case code, unique within its kind, e.g. `energy-poverty-support`. */
  code: string;
  /** W3C DPV term (`dpv:…` or `pd:…`), or null where no term fits. */
  dpv: string | null;
  label: Localised;
  /** Plain-language description a citizen understands. */
  description: Localised;
  /** GDPR Art. 9 special category (data categories only). */
  sensitive: boolean;
  /** Longest consent this purpose may be given for, in days; null means the default cap. */
  maxValidityDays: number | null;
}

/** The codes a service may ask for, or a consent covers. */
export interface TermSelection {
  purposes: readonly string[];
  categories: readonly string[];
  processing: readonly string[];
}

/** The cap on a consent's duration when no purpose sets one (every consent expires). */
export const DEFAULT_VALIDITY_DAYS = 365;

/** Syntax of a catalogue code or service client id (same rule as the database CHECK). */
export const CODE_PATTERN = /^[a-z][a-z0-9-]{1,63}$/;

/** True when `s` is a well-formed kebab-case code. */
export const isCode = (s: string): boolean => CODE_PATTERN.test(s);

const kindOfField = { purposes: 'purpose', categories: 'category', processing: 'processing' } as const satisfies Record<
  keyof TermSelection,
  TermKind
>;

/**
 * The longest a consent for `purposes` may last, in days: the smallest cap among its purposes,
 * each purpose without a cap counting as DEFAULT_VALIDITY_DAYS (so the result is never above
 * it unless every purpose allows more). Throws `term_unknown` for a purpose not in `terms`.
 */
export function validityCapDays(terms: readonly CatalogueTerm[], purposes: readonly string[]): number {
  const byCode = new Map(terms.filter((t) => t.kind === 'purpose').map((t) => [t.code, t]));
  const unknown = purposes.filter((p) => !byCode.has(p));
  if (unknown.length) throw unknownTerms({ purposes: unknown });
  if (purposes.length === 0) return DEFAULT_VALIDITY_DAYS;
  return Math.min(...purposes.map((p) => byCode.get(p)!.maxValidityDays ?? DEFAULT_VALIDITY_DAYS));
}

/** The codes in `selection` that are not in `terms`, per field; empty fields are omitted. */
export function unknownCodes(terms: readonly CatalogueTerm[], selection: Partial<TermSelection>): Partial<Record<keyof TermSelection, string[]>> {
  const known = new Set(terms.map((t) => `${t.kind}:${t.code}`));
  const out: Partial<Record<keyof TermSelection, string[]>> = {};
  for (const field of Object.keys(kindOfField) as (keyof TermSelection)[]) {
    const missing = [...new Set(selection[field] ?? [])].filter((c) => !known.has(`${kindOfField[field]}:${c}`));
    if (missing.length) out[field] = missing;
  }
  return out;
}

/** Throws `term_unknown` (400) naming every code of `selection` that the catalogue lacks. */
export function assertTermsKnown(terms: readonly CatalogueTerm[], selection: Partial<TermSelection>): void {
  const unknown = unknownCodes(terms, selection);
  if (Object.keys(unknown).length) throw unknownTerms(unknown);
}

/**
 * Throws `term_not_allowed` (400) when `requested` asks for anything outside `allowed`
 * (a request outside the service's registered set is refused). Use it with the
 * service's registration as `allowed` and the consent's terms as `requested`.
 */
export function assertTermsAllowed(allowed: TermSelection, requested: Partial<TermSelection>): void {
  const refused: Partial<Record<keyof TermSelection, string[]>> = {};
  for (const field of Object.keys(kindOfField) as (keyof TermSelection)[]) {
    const ok = new Set(allowed[field]);
    const extra = [...new Set(requested[field] ?? [])].filter((c) => !ok.has(c));
    if (extra.length) refused[field] = extra;
  }
  if (Object.keys(refused).length) {
    throw new RuleError('term_not_allowed', `The service may not ask for: ${describe(refused)}.`,
      { notAllowed: refused },
    );
  }
}

/** The codes among `categories` that the catalogue marks as GDPR Art. 9 special categories, sorted. */
export function sensitiveCategories(terms: readonly CatalogueTerm[], categories: readonly string[]): string[] {
  const sensitive = new Set(terms.filter((t) => t.kind === 'category' && t.sensitive).map((t) => t.code));
  return [...new Set(categories)].filter((c) => sensitive.has(c)).sort();
}

/** A term with its texts reduced to one language (other languages dropped). */
export function localiseTerm(term: CatalogueTerm, lang: Lang): Omit<CatalogueTerm, 'label' | 'description'> & {
  label: Partial<Localised>;
  description: Partial<Localised>;
} {
  return { ...term, label: { [lang]: term.label[lang] }, description: { [lang]: term.description[lang] } };
}

function describe(byField: Partial<Record<keyof TermSelection, string[]>>): string {
  return Object.entries(byField)
    .map(([field, codes]) => `${field} ${codes!.join(', ')}`)
    .join('; ');
}

function unknownTerms(unknown: Partial<Record<keyof TermSelection, string[]>>): RuleError {
  return new RuleError('term_unknown', `Not in the catalogue: ${describe(unknown)}.`, { unknown });
}
