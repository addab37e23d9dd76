/** Reads the catalogue (`catalogue_terms`, seeded by migrations/0002_catalogue_seed.sql). */
import { assertTermsKnown, type CatalogueTerm, inLangOrder, type Localised, type TermKind, type TermSelection } from '../domain/catalogue.js';
import type { Sql } from './db.js';

interface Raw {
  kind: TermKind;
  code: string;
  dpv: string | null;
  label: Localised;
  description: Localised;
  sensitive: boolean;
  max_validity_days: number | null;
}

const COLUMNS = 'kind, code, dpv, label, description, sensitive, max_validity_days';

const toTerm = (r: Raw): CatalogueTerm => ({
  kind: r.kind,
  code: r.code,
  dpv: r.dpv,
  label: inLangOrder(r.label),
  description: inLangOrder(r.description),
  sensitive: r.sensitive,
  maxValidityDays: r.max_validity_days === null ? null : Number(r.max_validity_days),
});

/** Every catalogue term, or those of one kind, ordered by kind then code. */
export async function listCatalogue(sql: Sql, kind?: TermKind): Promise<CatalogueTerm[]> {
  const rows = kind
    ? await sql.query<Raw>(`select ${COLUMNS} from catalogue_terms where kind = $1 order by code`, [kind])
    : await sql.query<Raw>(`select ${COLUMNS} from catalogue_terms order by kind, code`);
  return rows.map(toTerm);
}

/** The term `kind`/`code`, or undefined when the catalogue has none. */
export async function getTerm(sql: Sql, kind: TermKind, code: string): Promise<CatalogueTerm | undefined> {
  const rows = await sql.query<Raw>(`select ${COLUMNS} from catalogue_terms where kind = $1 and code = $2`, [kind, code]);
  return rows[0] ? toTerm(rows[0]) : undefined;
}

/** The terms of `kind` whose codes are in `codes` (unknown codes are simply absent), ordered by code. */
export async function findTerms(sql: Sql, kind: TermKind, codes: readonly string[]): Promise<CatalogueTerm[]> {
  if (codes.length === 0) return [];
  const rows = await sql.query<Raw>(`select ${COLUMNS} from catalogue_terms where kind = $1 and code = any($2::text[]) order by code`, [
    kind,
    [...codes],
  ]);
  return rows.map(toTerm);
}

/**
 * The catalogue terms `selection` refers to: its purposes, categories and processing
 * operations. Throws `term_unknown` (400) naming every code the catalogue lacks.
 */
export async function resolveTerms(sql: Sql, selection: Partial<TermSelection>): Promise<CatalogueTerm[]> {
  const terms = [
    ...(await findTerms(sql, 'purpose', selection.purposes ?? [])),
    ...(await findTerms(sql, 'category', selection.categories ?? [])),
    ...(await findTerms(sql, 'processing', selection.processing ?? [])),
  ];
  assertTermsKnown(terms, selection);
  return terms;
}
