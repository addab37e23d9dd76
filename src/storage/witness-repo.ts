/**
 * The witness's own state (`permis witness`): the latest cosigned checkpoint per log origin
 * (table witness_checkpoints, migration 0027). Rows only; the rules are in src/witness/.
 */
import type { Sql } from './db.js';

/** The latest checkpoint the witness cosigned for one origin. */
export interface WitnessRecord {
  origin: string;
  treeSize: bigint;
  root: Uint8Array;
  /** The checkpoint with the log's signature(s) and the witness's cosignature. */
  note: string;
  cosignedAt: Date;
}

interface Row {
  origin: string;
  tree_size: string | bigint;
  root: Uint8Array;
  note: string;
  cosigned_at: Date | string;
}

const toRecord = (r: Row): WitnessRecord => ({
  origin: r.origin,
  treeSize: BigInt(r.tree_size),
  root: new Uint8Array(r.root),
  note: r.note,
  cosignedAt: new Date(r.cosigned_at),
});

/** The record of `origin`, locked for this transaction (`for update`) when `lock` is set. */
export async function witnessRecord(sql: Sql, origin: string, lock = false): Promise<WitnessRecord | undefined> {
  const rows = await sql.query<Row>(`select origin, tree_size, root, note, cosigned_at from witness_checkpoints where origin = $1${lock ? ' for update' : ''}`, [origin]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/**
 * Records the first checkpoint of `origin`. Returns false when a concurrent transaction
 * recorded one first (the caller's old size 0 no longer matches).
 */
export async function insertWitnessRecord(sql: Sql, rec: WitnessRecord): Promise<boolean> {
  const rows = await sql.query(
    `insert into witness_checkpoints (origin, tree_size, root, note, cosigned_at) values ($1, $2, $3, $4, $5)
     on conflict (origin) do nothing returning origin`,
    [rec.origin, rec.treeSize.toString(), rec.root, rec.note, rec.cosignedAt],
  );
  return rows.length === 1;
}

/** Replaces the record of `origin`, which the caller holds locked. */
export async function updateWitnessRecord(sql: Sql, rec: WitnessRecord): Promise<void> {
  await sql.query(`update witness_checkpoints set tree_size = $2, root = $3, note = $4, cosigned_at = $5 where origin = $1`, [
    rec.origin,
    rec.treeSize.toString(),
    rec.root,
    rec.note,
    rec.cosignedAt,
  ]);
}

/** Every record (the witness's index page). */
export async function witnessRecords(sql: Sql): Promise<WitnessRecord[]> {
  return (await sql.query<Row>('select origin, tree_size, root, note, cosigned_at from witness_checkpoints order by origin')).map(toRecord);
}
