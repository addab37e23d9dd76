/** Services' requests that a citizen renew a consent ending soon. */
import type { Sql } from './db.js';

/** Status of a renewal request: `lapsed` when the consent ended without being renewed. */
export type RenewalRequestStatus = 'pending' | 'renewed' | 'declined' | 'lapsed';

/** A renewal request as stored. */
export interface RenewalRequestRow {
  id: string;
  consentId: string;
  serviceId: string;
  validUntil: Date;
  status: RenewalRequestStatus;
  createdAt: Date;
  decidedAt: Date | null;
}

interface Raw {
  id: string;
  consent_id: string;
  service_id: string;
  valid_until: Date;
  status: RenewalRequestStatus;
  created_at: Date;
  decided_at: Date | null;
}

const COLS = 'id, consent_id, service_id, valid_until, status, created_at, decided_at';
const toRow = (r: Raw): RenewalRequestRow => ({
  id: r.id,
  consentId: r.consent_id,
  serviceId: r.service_id,
  validUntil: r.valid_until,
  status: r.status,
  createdAt: r.created_at,
  decidedAt: r.decided_at,
});

/** Stores a pending renewal request; false when the consent already has a pending one. */
export async function insertRenewalRequest(sql: Sql, r: Omit<RenewalRequestRow, 'status' | 'decidedAt'>): Promise<boolean> {
  const rows = await sql.query(
    `insert into renewal_requests (id, consent_id, service_id, valid_until, status, created_at) values ($1,$2,$3,$4,'pending',$5)
     on conflict (consent_id) where status = 'pending' do nothing returning id`,
    [r.id, r.consentId, r.serviceId, r.validUntil, r.createdAt],
  );
  return rows.length === 1;
}

/** The consent's pending renewal request, if any. */
export async function findPendingRenewal(sql: Sql, consentId: string): Promise<RenewalRequestRow | undefined> {
  const rows = await sql.query<Raw>(`select ${COLS} from renewal_requests where consent_id = $1 and status = 'pending'`, [consentId]);
  return rows[0] && toRow(rows[0]);
}

/** The consent's latest renewal request of any status, if any. */
export async function findLatestRenewal(sql: Sql, consentId: string): Promise<RenewalRequestRow | undefined> {
  const rows = await sql.query<Raw>(`select ${COLS} from renewal_requests where consent_id = $1 order by id desc limit 1`, [consentId]);
  return rows[0] && toRow(rows[0]);
}

/** Closes the consent's pending renewal request with `status`; returns it when there was one. */
export async function closePendingRenewal(sql: Sql, consentId: string, status: Exclude<RenewalRequestStatus, 'pending'>, at: Date): Promise<RenewalRequestRow | undefined> {
  const rows = await sql.query<Raw>(
    `update renewal_requests set status = $2, decided_at = $3 where consent_id = $1 and status = 'pending' returning ${COLS}`,
    [consentId, status, at],
  );
  return rows[0] && toRow(rows[0]);
}
