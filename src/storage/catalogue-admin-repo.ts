/**
 * Changes to the catalogue, made by admins: add a term, change its texts and
 * attributes, delete it only while nothing refers to it. Every change writes an audit event
 * in the same transaction.
 */
import { canonicalJson } from '../crypto/terms-hash.js';
import { applyTermUpdate, parseTermInput } from '../domain/catalogue-input.js';
import { type CatalogueTerm, type TermKind } from '../domain/catalogue.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import { type AdminContext, recordAdminEvent } from './admin-audit.js';
import { getTerm } from './catalogue-repo.js';
import { type Db, DbError, type Sql } from './db.js';

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

/**
 * Adds a term to the catalogue. Throws ValidationError for bad fields and `conflict` (409)
 * when the kind already has the code. Writes `catalogue.term_created`.
 */
export async function createTerm(db: Db, input: unknown, ctx: AdminContext): Promise<CatalogueTerm> {
  const t = parseTermInput(input);
  try {
    return await db.transaction(async (tx) => {
      await tx.query(
        `insert into catalogue_terms (kind, code, dpv, label, description, sensitive, max_validity_days, created_at)
         values ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8)`,
        [t.kind, t.code, t.dpv, t.label, t.description, t.sensitive, t.maxValidityDays, ctx.clock.now()],
      );
      await recordAdminEvent(tx, ctx, 'catalogue.term_created', { data: { ...t } });
      return (await getTerm(tx, t.kind, t.code))!;
    });
  } catch (err) {
    if (err instanceof DbError && err.isUniqueViolation) {
      throw new ConflictError('conflict', `The catalogue already has the ${t.kind} "${t.code}".`, { term: { kind: t.kind, code: t.code } });
    }
    throw err;
  }
}

/**
 * Changes the texts or attributes of the term `kind`/`code` (see applyTermUpdate). Writes
 * `catalogue.term_updated` with the previous and new values of what changed; a change that
 * changes nothing writes nothing. Throws NotFoundError for an unknown term.
 */
export async function updateTerm(db: Db, kind: TermKind, code: string, input: unknown, ctx: AdminContext): Promise<CatalogueTerm> {
  return db.transaction(async (tx) => {
    const current = await lockTerm(tx, kind, code);
    const next = applyTermUpdate(current, input);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const f of ['dpv', 'label', 'description', 'sensitive', 'maxValidityDays'] as const) {
      if (canonicalJson(current[f]) !== canonicalJson(next[f])) changes[f] = { from: current[f], to: next[f] };
    }
    if (Object.keys(changes).length === 0) return current;
    await tx.query(
      `update catalogue_terms set dpv = $3, label = $4::jsonb, description = $5::jsonb, sensitive = $6, max_validity_days = $7
       where kind = $1 and code = $2`,
      [kind, code, next.dpv, next.label, next.description, next.sensitive, next.maxValidityDays],
    );
    await recordAdminEvent(tx, ctx, 'catalogue.term_updated', { data: { kind, code, changes } });
    return (await getTerm(tx, kind, code))!;
  });
}

/**
 * Deletes the term `kind`/`code` when no service, request or consent refers to it; otherwise
 * throws `term_in_use` (409) with the counts. Writes `catalogue.term_deleted`.
 */
export async function deleteTerm(db: Db, kind: TermKind, code: string, ctx: AdminContext): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await lockTerm(tx, kind, code);
    const usage = await termUsage(tx, kind, code);
    if (usage.services > 0 || usage.requests > 0 || usage.consents > 0) {
      const detail = `${usage.services} service(s), ${usage.requests} consent request(s) and ${usage.consents} consent(s)`;
      throw new ConflictError('term_in_use', `The ${kind} "${code}" is in use by ${detail}.`, { usage });
    }
    await tx.query('delete from catalogue_terms where kind = $1 and code = $2', [kind, code]);
    await recordAdminEvent(tx, ctx, 'catalogue.term_deleted', { data: { ...current } });
  });
}

async function lockTerm(tx: Sql, kind: TermKind, code: string): Promise<CatalogueTerm> {
  const locked = await tx.query('select 1 from catalogue_terms where kind = $1 and code = $2 for update', [kind, code]);
  if (!locked[0]) throw new NotFoundError('catalogue term');
  return (await getTerm(tx, kind, code))!;
}
