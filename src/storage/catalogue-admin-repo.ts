/**
 * The rows behind the admins' changes to the catalogue (`catalogue_terms`) and how many rows
 * refer to a term. The rules and audit events are the operations' in src/catalogue/.
 */
import type { CatalogueTerm, TermKind } from '../domain/catalogue.js';
import { getTerm } from './catalogue-repo.js';
import type { Sql } from './db.js';

/** How many services, consent requests and consents refer to a term. */
export interface TermUsage {
  services: number;
  requests: number;
  consents: number;
}

const serviceColumn: Record<TermKind, string> = { purpose: 'purposes', category: 'categories', processing: 'processing' };
const termsField: Record<TermKind, string> = { purpose: 'purposes', category: 'dataCategories', processing: 'processing' };

/**
 * The services allowed to ask for the term, the consent requests (any status) asking for it
 * and the consents whose terms ever covered it (any revision: a narrowed consent still
 * refers to the terms of its earlier revisions).
 */
export async function termUsage(sql: Sql, kind: TermKind, code: string): Promise<TermUsage> {
  const services = await sql.query<{ n: number }>(`select count(*)::int as n from services where $1 = any(${serviceColumn[kind]})`, [code]);
  const requests = await sql.query<{ n: number }>(`select count(*)::int as n from consent_requests where $1 = any(${serviceColumn[kind]})`, [code]);
  const consents = await sql.query<{ n: number }>(
    `select count(distinct consent_id)::int as n from consent_revisions where terms -> '${termsField[kind]}' @> jsonb_build_array($1::text)`,
    [code],
  );
  return { services: Number(services[0]!.n), requests: Number(requests[0]!.n), consents: Number(consents[0]!.n) };
}

/** Inserts a term (already validated); a taken kind/code is a DbError whose `isUniqueViolation` is true. */
export async function insertTerm(tx: Sql, t: CatalogueTerm, now: Date): Promise<CatalogueTerm> {
  await tx.query(
    `insert into catalogue_terms (kind, code, dpv, label, description, sensitive, max_validity_days, created_at)
     values ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8)`,
    [t.kind, t.code, t.dpv, t.label, t.description, t.sensitive, t.maxValidityDays, now],
  );
  return (await getTerm(tx, t.kind, t.code))!;
}

/** The term `kind`/`code`, locked for update in `tx`; undefined if there is none. */
export async function lockTerm(tx: Sql, kind: TermKind, code: string): Promise<CatalogueTerm | undefined> {
  const locked = await tx.query('select 1 from catalogue_terms where kind = $1 and code = $2 for update', [kind, code]);
  return locked[0] ? getTerm(tx, kind, code) : undefined;
}

/** Writes the changeable attributes of the term `kind`/`code`; returns the term after the change. */
export async function updateTermRow(
  tx: Sql,
  kind: TermKind,
  code: string,
  next: Pick<CatalogueTerm, 'dpv' | 'label' | 'description' | 'sensitive' | 'maxValidityDays'>,
): Promise<CatalogueTerm> {
  await tx.query(
    `update catalogue_terms set dpv = $3, label = $4::jsonb, description = $5::jsonb, sensitive = $6, max_validity_days = $7
     where kind = $1 and code = $2`,
    [kind, code, next.dpv, next.label, next.description, next.sensitive, next.maxValidityDays],
  );
  return (await getTerm(tx, kind, code))!;
}

/** Deletes the term `kind`/`code`. */
export async function deleteTermRow(tx: Sql, kind: TermKind, code: string): Promise<void> {
  await tx.query('delete from catalogue_terms where kind = $1 and code = $2', [kind, code]);
}
