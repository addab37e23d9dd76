/**
 * Storage of the transparency log (DESIGN §6): leaf assignment on `audit_events`, the stored
 * complete-subtree hashes in `log_nodes`, and the signed checkpoints in `log_checkpoints`.
 * Hashes travel as hex text so the same SQL runs on PGlite and postgres.js.
 */
import type { HashedNode, NodeId, NodeReader } from '../crypto/merkle/index.js';
import { EVENT_LEAF_COLUMNS, type EventLeafDbRow, toEventLeafRow } from './event-leaf-rows.js';
import type { LeafEvent } from '../crypto/log-leaf.js';
import { toHex } from '../domain/encoding.js';
import type { Sql } from './db.js';

/** Advisory-lock key of the integrator (the migration lock is 7_245_001, keys 7_245_002). */
export const LOG_INTEGRATOR_LOCK = 7_245_062;

/** A stored, signed checkpoint. */
export interface StoredCheckpoint {
  treeSize: bigint;
  root: Uint8Array;
  note: string;
  createdAt: Date;
}

/** An audit event with its leaf position (null while pending). */
export interface LeafRow extends LeafEvent {
  seq: bigint;
  leafIndex: bigint | null;
}

/** A node-store failure: a hash the tree needs is not stored. */
export class MissingNodeError extends Error {
  constructor(id: NodeId) {
    super(`log node (${id.level}, ${id.index}) is not stored`);
    this.name = 'MissingNodeError';
  }
}

const bytes = (v: unknown): Uint8Array => {
  if (v instanceof Uint8Array) return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
  throw new TypeError('expected bytea');
};
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Lowercase hex, by table: the integrator encodes millions of hashes. */
const hex = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
};
const big = (v: unknown): bigint => (typeof v === 'bigint' ? v : BigInt(v as string | number));

/** A NodeReader over `log_nodes`: one query per batch of node ids. */
export function nodeReader(sql: Sql): NodeReader {
  return async (ids) => {
    if (ids.length === 0) return [];
    const rows = await sql.query<{ level: number; idx: bigint; hash: Uint8Array }>(
      `select n.level, n.idx, n.hash
       from unnest($1::int[], $2::bigint[]) as q(level, idx)
       join log_nodes n on n.level = q.level and n.idx = q.idx`,
      [ids.map((id) => id.level), ids.map((id) => id.index.toString())],
    );
    const byKey = new Map(rows.map((r) => [`${r.level}:${big(r.idx)}`, bytes(r.hash)]));
    return ids.map((id) => {
      const h = byKey.get(`${id.level}:${id.index}`);
      if (!h) throw new MissingNodeError(id);
      return h;
    });
  };
}

/** Stores newly completed subtrees; a node stored twice is an error (primary key). */
export async function insertNodes(sql: Sql, nodes: readonly HashedNode[]): Promise<void> {
  const CHUNK = 10_000;
  // Every chunk is queued on the connection at once (no await in between), then all are awaited.
  const sent: Promise<unknown>[] = [];
  for (let i = 0; i < nodes.length; i += CHUNK) {
    const part = nodes.slice(i, i + CHUNK);
    const q = sql.query(
      `insert into log_nodes (level, idx, hash)
       select level, idx, decode(hash, 'hex') from unnest($1::int[], $2::bigint[], $3::text[]) as t(level, idx, hash)`,
      [part.map((n) => n.level), part.map((n) => n.index.toString()), part.map((n) => hex(n.hash))],
    );
    q.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
    sent.push(q);
  }
  await Promise.all(sent);
}

interface CheckpointDbRow {
  tree_size: bigint;
  root: Uint8Array;
  note: string;
  created_at: Date | string;
}
const toCheckpoint = (r: CheckpointDbRow): StoredCheckpoint => ({
  treeSize: big(r.tree_size),
  root: bytes(r.root),
  note: r.note,
  createdAt: new Date(r.created_at),
});

/** The checkpoint of the largest tree, if any was signed. */
export async function latestCheckpoint(sql: Sql): Promise<StoredCheckpoint | undefined> {
  const rows = await sql.query<CheckpointDbRow>('select tree_size, root, note, created_at from log_checkpoints order by tree_size desc limit 1');
  return rows[0] ? toCheckpoint(rows[0]) : undefined;
}

/** Records a signed checkpoint. */
export async function insertCheckpoint(sql: Sql, cp: StoredCheckpoint): Promise<void> {
  await sql.query(`insert into log_checkpoints (tree_size, root, note, created_at) values ($1, decode($2, 'hex'), $3, $4)`, [
    cp.treeSize.toString(),
    toHex(cp.root),
    cp.note,
    cp.createdAt,
  ]);
}

/** Replaces the note of an existing checkpoint (same tree, signed again, e.g. after a key rotation). */
export async function replaceCheckpointNote(sql: Sql, treeSize: bigint, root: Uint8Array, note: string): Promise<void> {
  await sql.query(`update log_checkpoints set note = $3 where tree_size = $1 and root = decode($2, 'hex')`, [treeSize.toString(), toHex(root), note]);
}

/** The largest assigned leaf index plus one: the number of integrated events. */
export async function integratedCount(sql: Sql): Promise<bigint> {
  const rows = await sql.query<{ n: bigint | null }>('select max(leaf_index) + 1 as n from audit_events');
  return rows[0]?.n == null ? 0n : big(rows[0].n);
}

/**
 * Up to `limit` committed events without a leaf index, in `seq` order. Events that commit
 * later (even with a smaller seq) are found by a later call, so none is ever skipped.
 */
export async function pendingEvents(sql: Sql, limit: number): Promise<LeafRow[]> {
  const rows = await sql.query<EventLeafDbRow>(`select ${EVENT_LEAF_COLUMNS} from audit_events e where e.leaf_index is null order by e.seq limit $1`, [limit]);
  return rows.map(toEventLeafRow);
}

/** The integrated events with leaf indices in [start, end), in leaf order (gaps show as missing rows). */
export async function leafRows(sql: Sql, start: bigint, end: bigint): Promise<LeafRow[]> {
  const rows = await sql.query<EventLeafDbRow>(
    `select ${EVENT_LEAF_COLUMNS} from audit_events e where e.leaf_index >= $1 and e.leaf_index < $2 order by e.leaf_index`,
    [start.toString(), end.toString()],
  );
  return rows.map(toEventLeafRow);
}

/** The leaf index of event `id`: undefined if no such event, null while it is pending. */
export async function leafIndexOfEvent(sql: Sql, id: string): Promise<bigint | null | undefined> {
  const rows = await sql.query<{ leaf_index: bigint | null }>('select leaf_index from audit_events where id = $1', [id]);
  if (!rows[0]) return undefined;
  return rows[0].leaf_index == null ? null : big(rows[0].leaf_index);
}

/** One pending event's integration: its leaf index, salt and committed pseudonyms. */
export interface LeafAssignment {
  id: string;
  leafIndex: bigint;
  salt: Uint8Array;
  pseudonyms: Record<string, string>;
}

/**
 * Gives pending events their leaf indices, salts and pseudonyms. Returns how many rows it
 * changed; fewer than asked means some event was integrated meanwhile (the caller aborts).
 */
export async function assignLeaves(sql: Sql, items: readonly LeafAssignment[]): Promise<number> {
  if (items.length === 0) return 0;
  const rows = await sql.query<{ id: string }>(
    `update audit_events e
     set leaf_index = v.leaf_index, salt = decode(v.salt, 'hex'), pseudonyms = v.pseudonyms::jsonb
     from unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[]) as v(id, leaf_index, salt, pseudonyms)
     where e.id = v.id and e.leaf_index is null
     returning e.id`,
    [items.map((i) => i.id), items.map((i) => i.leafIndex.toString()), items.map((i) => hex(i.salt)), items.map((i) => JSON.stringify(i.pseudonyms))],
  );
  return rows.length;
}
