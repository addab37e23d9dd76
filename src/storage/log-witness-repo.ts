/**
 * The log's side of witnessing (migration 0027): what each configured witness (by its vkey) last
 * cosigned and how the last attempt went (log_witness_state), and the cosignature lines obtained
 * per checkpoint (log_cosignatures). Rows only; the rules are in src/log/witness-submission.ts.
 */
import type { Sql } from './db.js';

/** One witness's state as the log knows it. */
export interface LogWitnessState {
  witnessKey: string;
  /** The size the witness last cosigned (from a 200 or a 409), if known. */
  treeSize: bigint | null;
  lastSuccessAt: Date | null;
  lastAttemptAt: Date | null;
  lastError: string | null;
  failures: number;
}

interface StateRow {
  witness_key: string;
  tree_size: string | bigint | null;
  last_success_at: Date | string | null;
  last_attempt_at: Date | string | null;
  last_error: string | null;
  failures: number;
}

const date = (v: Date | string | null) => (v === null ? null : new Date(v));

/** The state of every witness the log has tried, by vkey. */
export async function logWitnessStates(sql: Sql): Promise<Map<string, LogWitnessState>> {
  const rows = await sql.query<StateRow>('select witness_key, tree_size, last_success_at, last_attempt_at, last_error, failures from log_witness_state');
  return new Map(
    rows.map((r) => [
      r.witness_key,
      {
        witnessKey: r.witness_key,
        treeSize: r.tree_size === null ? null : BigInt(r.tree_size),
        lastSuccessAt: date(r.last_success_at),
        lastAttemptAt: date(r.last_attempt_at),
        lastError: r.last_error,
        failures: Number(r.failures),
      },
    ]),
  );
}

/** Records an attempt: a success (`error` null) resets the failure count; a known size is kept. */
export async function recordWitnessAttempt(sql: Sql, witnessKey: string, at: Date, outcome: { treeSize?: bigint; error: string | null; success: boolean }): Promise<void> {
  await sql.query(
    `insert into log_witness_state (witness_key, tree_size, last_success_at, last_attempt_at, last_error, failures)
     values ($1, $2, case when $3 then $4::timestamptz end, $4, $5, case when $3 then 0 else 1 end)
     on conflict (witness_key) do update set
       tree_size = coalesce(excluded.tree_size, log_witness_state.tree_size),
       last_success_at = coalesce(excluded.last_success_at, log_witness_state.last_success_at),
       last_attempt_at = excluded.last_attempt_at,
       last_error = excluded.last_error,
       failures = case when $3 then 0 else log_witness_state.failures + 1 end`,
    [witnessKey, outcome.treeSize === undefined ? null : outcome.treeSize.toString(), outcome.success, at, outcome.error],
  );
}

/** Stores the cosignature line of `witnessKey` on the checkpoint of `treeSize` (the latest one wins). */
export async function insertCosignature(sql: Sql, treeSize: bigint, witnessKey: string, line: string, at: Date): Promise<void> {
  await sql.query(
    `insert into log_cosignatures (tree_size, witness_key, line, cosigned_at) values ($1, $2, $3, $4)
     on conflict (tree_size, witness_key) do update set line = excluded.line, cosigned_at = excluded.cosigned_at`,
    [treeSize.toString(), witnessKey, line, at],
  );
}

/** The cosignatures of the checkpoint of `treeSize`: witness vkey → line. */
export async function cosignaturesOf(sql: Sql, treeSize: bigint): Promise<Map<string, string>> {
  const rows = await sql.query<{ witness_key: string; line: string }>('select witness_key, line from log_cosignatures where tree_size = $1 order by witness_key', [
    treeSize.toString(),
  ]);
  return new Map(rows.map((r) => [r.witness_key, r.line]));
}

/** The most recent published checkpoints that have cosignatures, newest first: note and lines by vkey. */
export async function cosignedCheckpoints(sql: Sql, limit = 64): Promise<{ treeSize: bigint; note: string; lines: Map<string, string> }[]> {
  const rows = await sql.query<{ tree_size: string | bigint; note: string; keys: string[]; lines: string[] }>(
    `select c.tree_size, cp.note, array_agg(c.witness_key order by c.witness_key) as keys, array_agg(c.line order by c.witness_key) as lines
       from log_cosignatures c join log_checkpoints cp on cp.tree_size = c.tree_size and cp.published
      group by c.tree_size, cp.note order by c.tree_size desc limit $1`,
    [limit],
  );
  return rows.map((r) => ({ treeSize: BigInt(r.tree_size), note: r.note, lines: new Map(r.keys.map((k, i) => [k, r.lines[i]!])) }));
}
