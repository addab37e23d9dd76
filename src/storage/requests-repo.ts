import type { Sql } from './db.js';

/** The notice a service shows with a request: a version and its text per language. */
export interface RequestNotice {
  version: string;
  texts: Partial<Record<'ca' | 'es' | 'en', string>>;
}

/** Statuses of a consent request. */
export type RequestStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'cancelled';

/** A consent request as stored. */
export interface RequestRow {
  id: string;
  service_id: string;
  subject_ref: string;
  purposes: string[];
  categories: string[];
  processing: string[];
  duration_days: number;
  notice: RequestNotice;
  return_url: string | null;
  status: RequestStatus;
  expires_at: Date;
  created_at: Date;
  decided_at: Date | null;
  citizen_id: string | null;
  consent_id: string | null;
}

const COLS = `id, service_id, subject_ref, purposes, categories, processing, duration_days, notice, return_url, status,
  expires_at, created_at, decided_at, citizen_id, consent_id`;

/** Stores a new pending request. */
export async function insertRequest(sql: Sql, r: RequestRow): Promise<void> {
  await sql.query(
    `insert into consent_requests (${COLS}) values ($1,$2,$3,$4::text[],$5::text[],$6::text[],$7,$8::jsonb,$9,$10,$11,$12,$13,$14,$15)`,
    [r.id, r.service_id, r.subject_ref, r.purposes, r.categories, r.processing, r.duration_days, r.notice, r.return_url, r.status,
      r.expires_at, r.created_at, r.decided_at, r.citizen_id, r.consent_id],
  );
}

/** A request by id, optionally locked for update. */
export async function findRequest(sql: Sql, id: string, lock = false): Promise<RequestRow | undefined> {
  const rows = await sql.query<RequestRow>(`select ${COLS} from consent_requests where id = $1${lock ? ' for update' : ''}`, [id]);
  return rows[0];
}

/** A request of one service (other services' requests are invisible). */
export async function findServiceRequest(sql: Sql, serviceId: string, id: string, lock = false): Promise<RequestRow | undefined> {
  const rows = await sql.query<RequestRow>(
    `select ${COLS} from consent_requests where id = $1 and service_id = $2${lock ? ' for update' : ''}`,
    [id, serviceId],
  );
  return rows[0];
}

/** A page of one service's requests, newest first. */
export async function listServiceRequests(
  sql: Sql,
  f: { serviceId: string; status?: RequestStatus | undefined; subjectRef?: string | undefined; before?: string | undefined; limit: number },
): Promise<RequestRow[]> {
  const where = ['service_id = $1'];
  const params: unknown[] = [f.serviceId];
  if (f.status) where.push(`status = $${params.push(f.status)}`);
  if (f.subjectRef) where.push(`subject_ref = $${params.push(f.subjectRef)}`);
  if (f.before) where.push(`id < $${params.push(f.before)}`);
  return sql.query<RequestRow>(
    `select ${COLS} from consent_requests where ${where.join(' and ')} order by id desc limit $${params.push(f.limit)}`,
    params,
  );
}

/**
 * A page of the requests a citizen can act on or has decided, newest first: those decided by
 * them, and pending ones addressed to a subjectRef bound to them.
 */
export async function listCitizenRequests(
  sql: Sql,
  f: { citizenId: string; status?: RequestStatus | undefined; before?: string | undefined; limit: number },
): Promise<RequestRow[]> {
  const params: unknown[] = [f.citizenId];
  const extra: string[] = [];
  if (f.status) extra.push(`r.status = $${params.push(f.status)}`);
  if (f.before) extra.push(`r.id < $${params.push(f.before)}`);
  return sql.query<RequestRow>(
    `select ${COLS.split(',').map((c) => `r.${c.trim()}`).join(', ')} from consent_requests r
     where (r.citizen_id = $1 or exists (select 1 from subject_bindings b
            where b.service_id = r.service_id and b.subject_ref = r.subject_ref and b.citizen_id = $1))
     ${extra.map((e) => `and ${e}`).join(' ')}
     order by r.id desc limit $${params.push(f.limit)}`,
    params,
  );
}

/** Records the decision on a pending request; false if it was no longer pending. */
export async function decideRequest(
  sql: Sql,
  id: string,
  d: { status: Exclude<RequestStatus, 'pending'>; at: Date; citizenId?: string | null; consentId?: string | null },
): Promise<boolean> {
  const rows = await sql.query(
    `update consent_requests set status = $2, decided_at = $3, citizen_id = coalesce($4, citizen_id), consent_id = $5
     where id = $1 and status = 'pending' returning id`,
    [id, d.status, d.at, d.citizenId ?? null, d.consentId ?? null],
  );
  return rows.length === 1;
}

/** Ids of pending requests past their expiry. */
export async function findExpiredRequestIds(sql: Sql, now: Date, limit: number): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `select id from consent_requests where status = 'pending' and expires_at <= $1 order by expires_at limit $2`,
    [now, limit],
  );
  return rows.map((r) => r.id);
}

/** The citizen a service's subjectRef is bound to, if any. */
export async function findBinding(sql: Sql, serviceId: string, subjectRef: string): Promise<string | undefined> {
  const rows = await sql.query<{ citizen_id: string }>(
    'select citizen_id from subject_bindings where service_id = $1 and subject_ref = $2',
    [serviceId, subjectRef],
  );
  return rows[0]?.citizen_id;
}

/**
 * Binds a subjectRef to a citizen for one service. Idempotent for the same citizen; returns
 * false when the subjectRef already belongs to someone else.
 */
export async function bindSubject(sql: Sql, serviceId: string, subjectRef: string, citizenId: string, at: Date): Promise<boolean> {
  await sql.query(
    `insert into subject_bindings (service_id, subject_ref, citizen_id, created_at) values ($1,$2,$3,$4)
     on conflict (service_id, subject_ref) do nothing`,
    [serviceId, subjectRef, citizenId, at],
  );
  return (await findBinding(sql, serviceId, subjectRef)) === citizenId;
}
