/**
 * Open-data releases (migrations/0030_open_data_releases.sql) and the events they are computed
 * from: only events in the log below a checkpoint's tree size, read by leaf index, so the same
 * checkpoint always yields the same events (erasure redacts only personal values, which no
 * statistic reads).
 */
import type { StatsEvent } from '../open-data/monthly-counts.js';
import type { Sql } from './db.js';

/** A stored release, draft or published. */
export interface ReleaseRow {
  id: string;
  number: number | null;
  status: 'draft' | 'published';
  treeSize: bigint;
  rootHash: Uint8Array;
  checkpointNote: string;
  k: number;
  epsilon: number | null;
  corrects: string | null;
  correctsNumber: number | null;
  correctionNote: string | null;
  document: string;
  documentSha256: string;
  preview: unknown;
  signature: string | null;
  preparedBy: string;
  preparedAt: Date;
  publishedBy: string | null;
  publishedAt: Date | null;
}

interface Raw {
  id: string;
  number: number | null;
  status: 'draft' | 'published';
  tree_size: bigint | string | number;
  root_hash: Uint8Array;
  checkpoint_note: string;
  k: number;
  epsilon: number | string | null;
  corrects: string | null;
  corrects_number: number | null;
  correction_note: string | null;
  document: string;
  document_sha256: string;
  preview: unknown;
  signature: string | null;
  prepared_by: string;
  prepared_at: Date | string;
  published_by: string | null;
  published_at: Date | string | null;
}

const COLUMNS = `r.id, r.number, r.status, r.tree_size, r.root_hash, r.checkpoint_note, r.k, r.epsilon, r.corrects,
  c.number as corrects_number, r.correction_note, r.document, r.document_sha256, r.preview, r.signature, r.prepared_by,
  r.prepared_at, r.published_by, r.published_at`;
const FROM = 'open_data_releases r left join open_data_releases c on c.id = r.corrects';

const bytes = (v: Uint8Array): Uint8Array => new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));

function toRow(r: Raw): ReleaseRow {
  return {
    id: r.id,
    number: r.number === null ? null : Number(r.number),
    status: r.status,
    treeSize: BigInt(r.tree_size),
    rootHash: bytes(r.root_hash),
    checkpointNote: r.checkpoint_note,
    k: Number(r.k),
    epsilon: r.epsilon === null ? null : Number(r.epsilon),
    corrects: r.corrects,
    correctsNumber: r.corrects_number === null ? null : Number(r.corrects_number),
    correctionNote: r.correction_note,
    document: r.document,
    documentSha256: r.document_sha256,
    preview: r.preview,
    signature: r.signature,
    preparedBy: r.prepared_by,
    preparedAt: new Date(r.prepared_at),
    publishedBy: r.published_by,
    publishedAt: r.published_at === null ? null : new Date(r.published_at),
  };
}

/** Inserts a draft. */
export async function insertDraftRelease(
  sql: Sql,
  r: Pick<ReleaseRow, 'id' | 'treeSize' | 'rootHash' | 'checkpointNote' | 'k' | 'epsilon' | 'corrects' | 'correctionNote' | 'document' | 'documentSha256' | 'preview' | 'preparedBy' | 'preparedAt'>,
): Promise<void> {
  await sql.query(
    `insert into open_data_releases (id, status, tree_size, root_hash, checkpoint_note, k, epsilon, corrects, correction_note, document,
       document_sha256, preview, prepared_by, prepared_at)
     values ($1, 'draft', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13)`,
    [r.id, r.treeSize.toString(), r.rootHash, r.checkpointNote, r.k, r.epsilon, r.corrects, r.correctionNote, r.document, r.documentSha256, r.preview, r.preparedBy, r.preparedAt],
  );
}

/** A release by id (`forUpdate`: row-locked in the caller's transaction). */
export async function getRelease(sql: Sql, id: string, forUpdate = false): Promise<ReleaseRow | undefined> {
  const rows = await sql.query<Raw>(`select ${COLUMNS} from ${FROM} where r.id = $1${forUpdate ? ' for update of r' : ''}`, [id]);
  return rows[0] ? toRow(rows[0]) : undefined;
}

/** A published release by number. */
export async function getPublishedRelease(sql: Sql, number: number): Promise<ReleaseRow | undefined> {
  const rows = await sql.query<Raw>(`select ${COLUMNS} from ${FROM} where r.number = $1 and r.status = 'published'`, [number]);
  return rows[0] ? toRow(rows[0]) : undefined;
}

/** Published releases, newest first. */
export async function listPublishedReleases(sql: Sql, limit = 1000): Promise<ReleaseRow[]> {
  const rows = await sql.query<Raw>(`select ${COLUMNS} from ${FROM} where r.status = 'published' order by r.number desc limit $1`, [limit]);
  return rows.map(toRow);
}

/** Every release, drafts first (newest first), then published ones newest first. */
export async function listAllReleases(sql: Sql, limit = 200): Promise<ReleaseRow[]> {
  const rows = await sql.query<Raw>(
    `select ${COLUMNS} from ${FROM} order by (r.status = 'published'), r.number desc nulls first, r.prepared_at desc limit $1`,
    [limit],
  );
  return rows.map(toRow);
}

/** The next release number; call under {@link lockReleaseNumbers}. */
export async function nextReleaseNumber(sql: Sql): Promise<number> {
  const rows = await sql.query<{ n: number | string | null }>('select max(number) as n from open_data_releases');
  return Number(rows[0]?.n ?? 0) + 1;
}

/** An arbitrary fixed key: one publication at a time takes the next number. */
const RELEASE_NUMBER_LOCK = 220_022;

/** Serialises publications in the caller's transaction. */
export async function lockReleaseNumbers(sql: Sql): Promise<void> {
  await sql.query('select pg_advisory_xact_lock($1)', [RELEASE_NUMBER_LOCK]);
}

/** Publishes a draft: its number, signature, publisher and time. False if it was not a draft. */
export async function markPublished(sql: Sql, id: string, p: { number: number; signature: string; publishedBy: string; publishedAt: Date }): Promise<boolean> {
  const rows = await sql.query(
    `update open_data_releases set status = 'published', number = $2, signature = $3, published_by = $4, published_at = $5
     where id = $1 and status = 'draft' returning id`,
    [id, p.number, p.signature, p.publishedBy, p.publishedAt],
  );
  return rows.length === 1;
}

/** Deletes a draft; false if there was none (a published release cannot be deleted). */
export async function deleteDraftRelease(sql: Sql, id: string): Promise<boolean> {
  const rows = await sql.query(`delete from open_data_releases where id = $1 and status = 'draft' returning id`, [id]);
  return rows.length === 1;
}

interface EventRaw {
  type: string;
  client_id: string | null;
  consent_id: string | null;
  at: string;
  status: string | null;
  decision: string | null;
  reason: string | null;
  request_ref: string | null;
  n: number | string | bigint;
}

/**
 * The statistics' events among the first `treeSize` leaves of the log, in leaf order: consent
 * transitions and request events one by one, checks already counted per service, UTC month,
 * decision and reason (there are many; their `at` is the group's latest time).
 */
export async function releaseEvents(sql: Sql, treeSize: bigint): Promise<StatsEvent[]> {
  const rows = await sql.query<EventRaw>(
    `with leaves as (
       select l.leaf_index, e.type, e.service_id, e.consent_id, e.created_at, e.data
       from log_leaves l join audit_events e on e.seq = l.seq
       where l.leaf_index < $1 and e.service_id is not null and (e.type like 'consent.%' or e.type like 'request.%')
     )
     select * from (
       select 0 as part, min(x.leaf_index) as ord, x.type, s.client_id, null::uuid as consent_id,
              to_char(max(x.created_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at,
              null::text as status, x.data ->> 'decision' as decision, x.data ->> 'reason' as reason, null::text as request_ref, count(*) as n
       from leaves x join services s on s.id = x.service_id
       where x.type = 'consent.checked'
       group by x.type, s.client_id, to_char(x.created_at at time zone 'UTC', 'YYYY-MM'), x.data ->> 'decision', x.data ->> 'reason'
       union all
       select 1, x.leaf_index, x.type, s.client_id, x.consent_id,
              to_char(x.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
              x.data ->> 'status', null, null, x.data ->> 'consentRequestId', 1
       from leaves x join services s on s.id = x.service_id
       where x.type <> 'consent.checked'
     ) q
     order by q.part, q.ord`,
    [treeSize.toString()],
  );
  return rows.map((r) => ({
    type: r.type,
    service: r.client_id,
    consentId: r.consent_id,
    at: r.at,
    status: r.status,
    decision: r.decision,
    reason: r.reason,
    consentRequestId: r.request_ref,
    count: Number(r.n),
  }));
}
