/** What a service's requests say about its current notice (for renewals). */
import type { Sql } from './db.js';

/**
 * The notice version of the service's newest consent request that asks for any of
 * `purposes` (its current notice for them), or undefined when it never sent one.
 */
export async function currentNoticeVersion(sql: Sql, serviceId: string, purposes: readonly string[]): Promise<string | undefined> {
  const rows = await sql.query<{ version: string }>(
    `select notice->>'version' as version from consent_requests where service_id = $1 and purposes && $2::text[] order by id desc limit 1`,
    [serviceId, purposes],
  );
  return rows[0]?.version;
}

/** The newest pending request of the service to `subjectRef` not yet past its deadline, if any. */
export async function pendingRequestFor(sql: Sql, serviceId: string, subjectRef: string, now: Date): Promise<string | undefined> {
  const rows = await sql.query<{ id: string }>(
    `select id from consent_requests where service_id = $1 and subject_ref = $2 and status = 'pending' and expires_at > $3 order by id desc limit 1`,
    [serviceId, subjectRef, now],
  );
  return rows[0]?.id;
}
