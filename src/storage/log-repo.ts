/**
 * Storage of the transparency log: the queue of pending events (`log_pending`),
 * the leaves (`log_leaves`, one narrow row per leaf naming its event by `seq`), the stored
 * complete-subtree hashes (`log_tiles`, see log-tiles.ts) and the signed checkpoints
 * (`log_checkpoints`); see migrations/0010_log_leaves.sql and 0011_log_tiles.sql. Bytes are
 * written as hex text, and bulk values as one text parameter each, so the same SQL runs on
 * PGlite and postgres.js without per-element work; the few tiles of a proof are read as bytea.
 */
import type { HashedNode, NodeId, NodeReader } from '../crypto/merkle/index.js';
import { EVENT_LEAF_COLUMNS, EVENT_LEAF_FROM, type EventLeafDbRow, PENDING_EVENT_COLUMNS, toEventLeafRow } from './event-leaf-rows.js';
import type { LeafEvent } from '../crypto/log-leaf.js';
import { nodeSlot, tileKey } from './log-tiles.js';
import { toHex } from '@permis/sdk/encoding';
import type { Sql } from './db.js';
import { InternalError } from '../domain/errors.js';

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
export class MissingNodeError extends InternalError {
  constructor(id: NodeId) {
    super('log_integrity', `log node (${id.level}, ${id.index}) is not stored`);
  }
}

const bytes = (v: unknown): Uint8Array => {
  if (v instanceof Uint8Array) return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
  throw new TypeError('expected bytea');
};
const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');
const ascii = new TextDecoder();
/** Lowercase hex, built as bytes and decoded once: the integrator encodes megabytes a batch. */
const hex = (b: Uint8Array): string => {
  const out = new Uint8Array(b.length * 2);
  for (let i = 0; i < b.length; i++) {
    out[2 * i] = HEX_DIGITS[b[i]! >> 4]!;
    out[2 * i + 1] = HEX_DIGITS[b[i]! & 15]!;
  }
  return ascii.decode(out);
};
/** A PostgreSQL array literal of integers, sent as one text parameter. */
const intArray = (xs: readonly (bigint | number)[]): string => `{${xs.join(',')}}`;
const big = (v: unknown): bigint => (typeof v === 'bigint' ? v : BigInt(v as string | number));

/** The tiles holding `ids`, once each, and where each id is: tile number and byte offset. */
function tilesOf(ids: readonly NodeId[]): { groups: number[]; tiles: bigint[]; at: { tile: number; offset: number }[] } {
  const groups: number[] = [];
  const tiles: bigint[] = [];
  const seen = new Map<string, number>();
  const at = ids.map((id) => {
    const s = nodeSlot(id);
    const key = tileKey(s.group, s.tile);
    let t = seen.get(key);
    if (t === undefined) {
      t = groups.length;
      seen.set(key, t);
      groups.push(s.group);
      tiles.push(s.tile);
    }
    return { tile: t, offset: s.pos * 32 };
  });
  return { groups, tiles, at };
}

/** An absent tile: holds no node. */
const EMPTY = new Uint8Array(0);

/**
 * Reads the tiles (`groups[i]`, `tiles[i]`) in one query, each as bytes (empty when absent),
 * with the latest checkpoint's tree size when `withLatest`. The tiles come as rows of bytea
 * (a proof reads ten or so): nothing to encode or aggregate on the server, one decode each in
 * the driver.
 */
async function readTiles(sql: Sql, groups: number[], tiles: bigint[], withLatest: boolean): Promise<{ latest: bigint | undefined; tiles: Uint8Array[] }> {
  const rows = await sql.query<{ o: number; hashes: Uint8Array | null; latest_size: bigint | null }>(
    `select q.o::int as o, t.hashes, null::bigint as latest_size
     from unnest($1::smallint[], $2::bigint[]) with ordinality as q(grp, idx, o)
     join log_tiles t on t.grp = q.grp and t.idx = q.idx
     ${withLatest ? 'union all select 0, null, (select max(tree_size) from log_checkpoints)' : ''}`,
    [intArray(groups), intArray(tiles)],
  );
  const out: Uint8Array[] = groups.map(() => EMPTY);
  let latest: bigint | undefined;
  for (const r of rows) {
    if (r.o === 0) latest = r.latest_size == null ? undefined : big(r.latest_size);
    else out[r.o - 1] = bytes(r.hashes);
  }
  return { latest, tiles: out };
}

/** The hashes of `ids` from their tiles; undefined where a node is not stored. */
function pickHashes(ids: readonly NodeId[], at: { tile: number; offset: number }[], tiles: readonly Uint8Array[]): (Uint8Array | undefined)[] {
  return ids.map((_, i) => {
    const { tile, offset } = at[i]!;
    const t = tiles[tile]!;
    return t.length >= offset + 32 ? t.slice(offset, offset + 32) : undefined;
  });
}

/** A NodeReader over `log_tiles`: one query per batch of node ids. */
export function nodeReader(sql: Sql): NodeReader {
  return async (ids) => {
    if (ids.length === 0) return [];
    const { groups, tiles, at } = tilesOf(ids);
    const read = await readTiles(sql, groups, tiles, false);
    return pickHashes(ids, at, read.tiles).map((h, i) => {
      if (!h) throw new MissingNodeError(ids[i]!);
      return h;
    });
  };
}

/**
 * Stores newly completed subtrees, which must continue the stored ones: each tile's new nodes
 * are appended at its end, and a tile that does not end exactly where they start (a node stored
 * twice, or one missing) is an error, as is a new tile that already exists (primary key). What
 * a batch completes is one run of post-order positions per tile; their hashes travel as one hex
 * string, so a statement costs no work per node in the driver.
 */
export async function insertNodes(sql: Sql, nodes: readonly HashedNode[]): Promise<void> {
  if (nodes.length === 0) return;
  // Post-order within each tile, tiles in (group, index) order.
  const placed = nodes.map((n) => {
    if (n.hash.length !== 32) throw new RangeError(`node (${n.level}, ${n.index}) has a hash of ${n.hash.length} bytes`);
    return { n, s: nodeSlot(n) };
  });
  placed.sort((a, b) => a.s.group - b.s.group || (a.s.tile < b.s.tile ? -1 : a.s.tile > b.s.tile ? 1 : a.s.pos - b.s.pos));
  const runs = { group: [] as number[], tile: [] as bigint[], first: [] as number[], count: [] as number[], at: [] as number[] };
  const hashes = new Uint8Array(placed.length * 32);
  placed.forEach(({ n, s }, k) => {
    hashes.set(n.hash, k * 32);
    const r = runs.group.length - 1;
    if (r >= 0 && runs.group[r] === s.group && runs.tile[r] === s.tile) {
      if (runs.first[r]! + runs.count[r]! !== s.pos) throw new RangeError(`node (${n.level}, ${n.index}) does not continue its tile`);
      runs.count[r]!++;
    } else {
      runs.group.push(s.group);
      runs.tile.push(s.tile);
      runs.first.push(s.pos);
      runs.count.push(1);
      runs.at.push(k);
    }
  });
  const fresh = runs.first.map((f, r) => (f === 0 ? r : -1)).filter((r) => r >= 0);
  const partial = runs.first.map((f, r) => (f > 0 ? r : -1)).filter((r) => r >= 0);
  const pick = <T extends bigint | number>(xs: T[], rs: number[]) => intArray(rs.map((r) => xs[r]!));
  const sent: Promise<unknown>[] = [];
  if (fresh.length) {
    sent.push(
      sql.query(
        // Decoded once (materialized): inlined, the decode would run again for every row.
        `with h as materialized (select decode($5, 'hex') as hashes)
         insert into log_tiles (grp, idx, hashes)
         select r.grp, r.idx, substring(h.hashes from r.at * 32 + 1 for r.n * 32)
         from unnest($1::smallint[], $2::bigint[], $3::int[], $4::int[]) as r(grp, idx, n, at) cross join h`,
        [pick(runs.group, fresh), pick(runs.tile, fresh), pick(runs.count, fresh), pick(runs.at, fresh), hex(hashes)],
      ),
    );
  }
  if (partial.length) {
    // At most one partial tile per group: their hashes are sent on their own.
    const own = partial.map((r) => hashes.subarray(runs.at[r]! * 32, (runs.at[r]! + runs.count[r]!) * 32));
    const ownAt: number[] = [];
    own.reduce((at, h) => (ownAt.push(at), at + h.length / 32), 0);
    sent.push(
      (async () => {
        const rows = await sql.query<{ n: number }>(
          `with h as materialized (select decode($6, 'hex') as hashes),
           grown as (
             update log_tiles t set hashes = t.hashes || substring(h.hashes from r.at * 32 + 1 for r.n * 32)
             from unnest($1::smallint[], $2::bigint[], $3::int[], $4::int[], $5::int[]) as r(grp, idx, first, n, at) cross join h
             where t.grp = r.grp and t.idx = r.idx and length(t.hashes) = r.first * 32
             returning 1
           )
           select count(*)::int as n from grown`,
          [pick(runs.group, partial), pick(runs.tile, partial), pick(runs.first, partial), pick(runs.count, partial), intArray(ownAt), own.map(hex).join('')],
        );
        const grown = Number(rows[0]?.n ?? 0);
        if (grown !== partial.length) throw new MisplacedNodesError(partial.length - grown);
      })(),
    );
  }
  sent.forEach((p) => p.catch(() => {})); // awaited below; not an unhandled rejection meanwhile
  await Promise.all(sent);
}

/** A node-store failure: new nodes do not continue the stored tiles. */
export class MisplacedNodesError extends InternalError {
  constructor(tiles: number) {
    super('log_integrity', `${tiles} stored tile(s) do not end where the new nodes begin`);
  }
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

/** The largest leaf index plus one: the number of integrated events. */
export async function integratedCount(sql: Sql): Promise<bigint> {
  const rows = await sql.query<{ n: bigint | null }>('select max(leaf_index) + 1 as n from log_leaves');
  return rows[0]?.n == null ? 0n : big(rows[0].n);
}

/**
 * Up to `limit` committed events of the queue, in `seq` order; with `after`, only those with a
 * larger seq. Events that commit late (even with a smaller seq) are found by a later call
 * without `after`, so none is ever skipped. `after` spares a scan over the entries of the
 * events just taken off the queue, which stay in its index until it is vacuumed. The events
 * are looked up by their seqs (one index probe each): a join could walk `audit_events` from
 * its first seq, past every integrated event.
 */
export async function pendingEvents(sql: Sql, limit: number, after?: bigint): Promise<LeafRow[]> {
  const rows = await sql.query<EventLeafDbRow>(
    `select ${PENDING_EVENT_COLUMNS} from audit_events e
     where e.seq = any(array(select seq from log_pending where seq > $2 order by seq limit $1))
     order by e.seq`,
    [limit, (after ?? -1n).toString()],
  );
  return rows.map(toEventLeafRow);
}

/**
 * The integrated events with leaf indices in [start, end), in leaf order (gaps show as missing
 * rows). Meant for short ranges (the API serves at most 1,000 leaves a call): one index probe
 * per index, where a range condition would leave the planner guessing the range's size (a
 * prepared statement's generic plan guessed thousands of rows and scanned in parallel).
 */
export async function leafRows(sql: Sql, start: bigint, end: bigint): Promise<LeafRow[]> {
  const rows = await sql.query<EventLeafDbRow>(
    `select ${EVENT_LEAF_COLUMNS}
     from generate_series($1::bigint, $2::bigint - 1) as g(i)
     join log_leaves l on l.leaf_index = g.i
     join audit_events e on e.seq = l.seq
     order by l.leaf_index`,
    [start.toString(), end.toString()],
  );
  return rows.map(toEventLeafRow);
}

/** The leaf index of event `id`: undefined if no such event, null while it is pending. */
export async function leafIndexOfEvent(sql: Sql, id: string): Promise<bigint | null | undefined> {
  const rows = await sql.query<{ leaf_index: bigint | null }>(`select l.leaf_index from ${EVENT_LEAF_FROM} where e.id = $1`, [id]);
  if (!rows[0]) return undefined;
  return rows[0].leaf_index == null ? null : big(rows[0].leaf_index);
}

/**
 * Appends the leaves `first`, `first + 1`, … for the pending events `seqs` (in that order),
 * each with its 32-byte salt (`salts`, concatenated), and takes those events off the queue,
 * in one statement. Returns how many it took off; fewer than given means some event was
 * integrated meanwhile (the caller aborts). A leaf index or an event given twice is an error
 * (primary and unique keys). The pseudonyms are not stored: they follow from the salt until
 * an erasure drops it (src/storage/erasure-repo.ts).
 */
export async function appendLeaves(sql: Sql, first: bigint, seqs: readonly bigint[], salts: Uint8Array): Promise<number> {
  if (seqs.length === 0) return 0;
  if (salts.length !== seqs.length * 32) throw new RangeError('one 32-byte salt per leaf');
  const rows = await sql.query<{ taken: number }>(
    `with taken as (delete from log_pending where seq = any($2::bigint[]) returning seq),
     s as materialized (select decode($3, 'hex') as salts),
     added as (
       insert into log_leaves (leaf_index, seq, salt)
       select $1::bigint + t.o - 1, t.seq, substring(s.salts from (t.o * 32 - 31)::int for 32)
       from unnest($2::bigint[]) with ordinality as t(seq, o) cross join s
       returning 1
     )
     select (select count(*) from taken)::int as taken, (select count(*) from added)::int as added`,
    [first.toString(), intArray(seqs), hex(salts)],
  );
  return Number(rows[0]?.taken ?? 0);
}

/** What one proof needs from the database, read in one query by {@link proofReads}. */
export interface ProofReads {
  /** The latest checkpoint's tree size; undefined before the first. */
  latest: bigint | undefined;
  /** The hashes of the nodes asked for, in order; undefined where one is not stored. */
  hashes: (Uint8Array | undefined)[];
}

/**
 * One round trip for a proof: the latest tree size and the stored nodes `ids` (from their
 * tiles). Nothing here is checked: the caller compares its sizes with `latest` first.
 */
export async function proofReads(sql: Sql, ids: readonly NodeId[]): Promise<ProofReads> {
  const { groups, tiles, at } = tilesOf(ids);
  const read = await readTiles(sql, groups, tiles, true);
  return { latest: read.latest, hashes: pickHashes(ids, at, read.tiles) };
}
