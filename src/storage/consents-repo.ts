import type { ConsentEvent, ConsentStatus, ConsentTerms } from '../domain/consent.js';
import type { Sql } from './db.js';
import { InternalError } from '../domain/errors.js';

/** A consent row as stored. */
export interface ConsentRow {
  id: string;
  service_id: string;
  citizen_id: string;
  subject_ref: string;
  revision: number;
  status: ConsentStatus;
  terms: ConsentTerms;
  terms_hash: string;
  valid_from: Date;
  valid_until: Date;
  collection_method: string;
  created_at: Date;
  updated_at: Date;
  ended_at: Date | null;
  end_reason: string | null;
  last_receipt_hash: string;
}

/** A revision row: one per transition, so the history is complete. */
export interface RevisionRow {
  consent_id: string;
  revision: number;
  event: ConsentEvent;
  status: ConsentStatus;
  terms: ConsentTerms;
  terms_hash: string;
  predecessor_hash: string | null;
  reason: string | null;
  created_at: Date;
}

/** A stored receipt. */
export interface ReceiptRow {
  id: string;
  consent_id: string;
  revision: number;
  event: ConsentEvent;
  jws: string;
  kid: string;
  receipt_hash: string;
  created_at: Date;
}

const COLS = `id, service_id, citizen_id, subject_ref, revision, status, terms, terms_hash, valid_from, valid_until,
  collection_method, created_at, updated_at, ended_at, end_reason, last_receipt_hash`;

/** The consent `id` if it belongs to `citizenId`, locked for update when `lock` is set. */
export async function findCitizenConsent(sql: Sql, citizenId: string, id: string, lock = false): Promise<ConsentRow | undefined> {
  const rows = await sql.query<ConsentRow>(
    `select ${COLS} from consents where id = $1 and citizen_id = $2${lock ? ' for update' : ''}`,
    [id, citizenId],
  );
  return rows[0];
}

/** The consent `id` if it belongs to the service `serviceId`, locked for update when `lock` is set. */
export async function findServiceConsent(sql: Sql, serviceId: string, id: string, lock = false): Promise<ConsentRow | undefined> {
  const rows = await sql.query<ConsentRow>(
    `select ${COLS} from consents where id = $1 and service_id = $2${lock ? ' for update' : ''}`,
    [id, serviceId],
  );
  return rows[0];
}

/** The consent `id`, locked for update when `lock` is set (system actions: expiry). */
export async function findConsent(sql: Sql, id: string, lock = false): Promise<ConsentRow | undefined> {
  const rows = await sql.query<ConsentRow>(`select ${COLS} from consents where id = $1${lock ? ' for update' : ''}`, [id]);
  return rows[0];
}

/** Filters for listing consents: one citizen's, or one service's. */
export interface ListFilter {
  citizenId?: string | undefined;
  serviceId?: string | undefined;
  subjectRef?: string | undefined;
  /** Effective status (expiry applied at `now`). */
  status?: ConsentStatus | undefined;
  /** Return ids strictly older than this (cursor). */
  before?: string | undefined;
  limit: number;
  now: Date;
}

/** A page of consents, newest first; `status` filters on the effective status. */
export async function listConsents(sql: Sql, f: ListFilter): Promise<ConsentRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.citizenId) where.push(`citizen_id = $${params.push(f.citizenId)}`);
  if (f.serviceId) where.push(`service_id = $${params.push(f.serviceId)}`);
  if (f.subjectRef) where.push(`subject_ref = $${params.push(f.subjectRef)}`);
  if (f.before) where.push(`id < $${params.push(f.before)}`);
  if (f.status === 'expired') {
    where.push(`(status = 'expired' or (status in ('active','paused') and valid_until <= $${params.push(f.now)}))`);
  } else if (f.status === 'active' || f.status === 'paused') {
    where.push(`status = $${params.push(f.status)} and valid_until > $${params.push(f.now)}`);
  } else if (f.status) {
    // Every parameter sent must be used: PostgreSQL cannot type an unused one.
    where.push(`status = $${params.push(f.status)}`);
  }
  if (where.length === 0) throw new InternalError('invalid_argument', 'listConsents needs a citizen or a service');
  return sql.query<ConsentRow>(
    `select ${COLS} from consents where ${where.join(' and ')} order by id desc limit $${params.push(f.limit)}`,
    params,
  );
}

/** Inserts a new consent row (revision 1). */
export async function insertConsent(sql: Sql, r: ConsentRow): Promise<void> {
  await sql.query(
    `insert into consents (id, service_id, citizen_id, subject_ref, revision, status, terms, terms_hash, purposes, categories,
       processing, valid_from, valid_until, collection_method, created_at, updated_at, ended_at, end_reason, last_receipt_hash)
     values ($1,$2,$3,$4,$5,$6,$7::jsonb,$8,$9::text[],$10::text[],$11::text[],$12,$13,$14,$15,$16,$17,$18,$19)`,
    [
      r.id, r.service_id, r.citizen_id, r.subject_ref, r.revision, r.status, r.terms, r.terms_hash,
      r.terms.purposes, r.terms.dataCategories, r.terms.processing, r.valid_from, r.valid_until,
      r.collection_method, r.created_at, r.updated_at, r.ended_at, r.end_reason, r.last_receipt_hash,
    ],
  );
}

/**
 * Moves a consent to its next revision. The `revision = expected` guard makes a lost update
 * impossible even without the row lock: it returns false if another writer got there first.
 */
export async function updateConsent(sql: Sql, r: ConsentRow, expectedRevision: number): Promise<boolean> {
  const rows = await sql.query(
    `update consents set revision = $2, status = $3, terms = $4::jsonb, terms_hash = $5, purposes = $6::text[],
       categories = $7::text[], processing = $8::text[], valid_until = $9, updated_at = $10, ended_at = $11,
       end_reason = $12, last_receipt_hash = $13, valid_from = $15
     where id = $1 and revision = $14 returning id`,
    [
      r.id, r.revision, r.status, r.terms, r.terms_hash, r.terms.purposes, r.terms.dataCategories, r.terms.processing,
      r.valid_until, r.updated_at, r.ended_at, r.end_reason, r.last_receipt_hash, expectedRevision, r.valid_from,
    ],
  );
  return rows.length === 1;
}

/** Appends a revision to a consent's history. */
export async function insertRevision(sql: Sql, r: RevisionRow): Promise<void> {
  await sql.query(
    `insert into consent_revisions (consent_id, revision, event, status, terms, terms_hash, predecessor_hash, reason, created_at)
     values ($1,$2,$3,$4,$5::jsonb,$6,$7,$8,$9)`,
    [r.consent_id, r.revision, r.event, r.status, r.terms, r.terms_hash, r.predecessor_hash, r.reason, r.created_at],
  );
}

/** Stores a receipt. */
export async function insertReceipt(sql: Sql, r: ReceiptRow): Promise<void> {
  await sql.query(
    `insert into receipts (id, consent_id, revision, event, jws, kid, receipt_hash, created_at) values ($1,$2,$3,$4,$5,$6,$7,$8)`,
    [r.id, r.consent_id, r.revision, r.event, r.jws, r.kid, r.receipt_hash, r.created_at],
  );
}

/** Every revision of a consent, oldest first. */
export async function listRevisions(sql: Sql, consentId: string): Promise<RevisionRow[]> {
  return sql.query<RevisionRow>(
    `select consent_id, revision, event, status, terms, terms_hash, predecessor_hash, reason, created_at
     from consent_revisions where consent_id = $1 order by revision`,
    [consentId],
  );
}

/** Every receipt of a consent, oldest first. */
export async function listReceipts(sql: Sql, consentId: string): Promise<ReceiptRow[]> {
  return sql.query<ReceiptRow>(
    `select id, consent_id, revision, event, jws, kid, receipt_hash, created_at from receipts where consent_id = $1 order by revision`,
    [consentId],
  );
}

/** Ids of active or paused consents whose validity ended by `now`, oldest deadline first. */
export async function findExpiredIds(sql: Sql, now: Date, limit: number): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `select id from consents where status in ('active','paused') and valid_until <= $1 order by valid_until limit $2`,
    [now, limit],
  );
  return rows.map((r) => r.id);
}
