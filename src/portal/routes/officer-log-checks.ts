/**
 * The log-integrity checks of the officer console, computed on the
 * server with the SDK's verifiers (`@permis/sdk/verify`, the same code as `permis log verify`
 * and every client): checkpoint signatures (c2sp.org/signed-note), RFC 9162 §2.1.4.2
 * consistency and §2.1.3.2 inclusion. Nothing is taken on trust from the database: roots come
 * from signed notes, proofs from stored nodes, leaves are rebuilt from the events table, and a
 * verdict is whatever the verifier says.
 */
import { verifyCheckpoint, verifyConsistency, verifyInclusion } from '@permis/sdk/verify';
import { logOriginOf } from '../../crypto/checkpoint.js';
import { readKeyRows } from '../../storage/signing-keys-repo.js';
import { buildLeaf } from '../../crypto/log-leaf.js';
import { bytesEqual, consistencyProof, inclusionProof, leafHash, rootAt } from '../../crypto/merkle/index.js';
import { formatVerifierKey } from '../../crypto/signed-note.js';
import { fromB64 } from '@permis/sdk/encoding';
import type { AppDeps } from '../../core/deps.js';
import type { Sql } from '../../storage/db.js';
import { leafIndexOfEvent, leafRows, nodeReader, type StoredCheckpoint } from '../../storage/log-repo.js';

/** A verifier's answer: passed, or failed with a reason code and the verifier's message. */
export type Verdict = { ok: true } | { ok: false; reason: string; message: string };

const failed = (err: unknown, reason = 'error'): Verdict => ({
  ok: false,
  reason: (err as { reason?: string }).reason ?? (err instanceof RangeError ? 'out_of_range' : reason),
  message: err instanceof Error ? err.message : String(err),
});

/** A stored checkpoint with the verdict on its signature and on its stored root column. */
export interface CheckedCheckpoint extends StoredCheckpoint {
  signature: Verdict;
  /** Key names whose signatures verified. */
  signedBy: string[];
}

/** The signed-note verifier keys of every checkpoint key, active and retired. */
export async function trustedCheckpointKeys(deps: AppDeps): Promise<string[]> {
  const origin = logOriginOf(deps.config.publicUrl);
  const rows = (await readKeyRows(deps.db)).filter((k) => k.use === 'checkpoint');
  return Promise.all(rows.map((k) => formatVerifierKey(origin, fromB64(k.publicJwk.x))));
}

interface CheckpointRow {
  tree_size: bigint | string;
  root: Uint8Array;
  note: string;
  created_at: Date | string;
}

const toStored = (r: CheckpointRow): StoredCheckpoint => ({
  treeSize: BigInt(r.tree_size),
  root: new Uint8Array(r.root),
  note: r.note,
  createdAt: new Date(r.created_at),
});

/** The newest `limit` stored checkpoints, largest tree first. */
export async function recentCheckpoints(sql: Sql, limit: number): Promise<StoredCheckpoint[]> {
  const rows = await sql.query<CheckpointRow>('select tree_size, root, note, created_at from log_checkpoints order by tree_size desc limit $1', [limit]);
  return rows.map(toStored);
}

/** The checkpoint signed for a tree of exactly `size` leaves, if any. */
export async function checkpointAt(sql: Sql, size: bigint): Promise<StoredCheckpoint | undefined> {
  const rows = await sql.query<CheckpointRow>('select tree_size, root, note, created_at from log_checkpoints where tree_size = $1', [size.toString()]);
  return rows[0] ? toStored(rows[0]) : undefined;
}

/**
 * Verifies a stored checkpoint's note with `keys` under the log's origin, and that the note's
 * size and root are the ones stored beside it (c2sp.org/tlog-checkpoint). The size and root
 * shown afterwards are the note's, never the columns'.
 */
export async function checkCheckpoint(deps: AppDeps, cp: StoredCheckpoint, keys: readonly string[]): Promise<CheckedCheckpoint> {
  try {
    const v = await verifyCheckpoint(cp.note, keys, { origin: logOriginOf(deps.config.publicUrl) });
    if (v.size !== cp.treeSize || !bytesEqual(v.root, cp.root)) {
      return { ...cp, treeSize: v.size, root: v.root, signedBy: v.verifiedBy, signature: { ok: false, reason: 'stored_mismatch', message: 'the signed note and the stored tree head differ' } };
    }
    return { ...cp, signedBy: v.verifiedBy, signature: { ok: true } };
  } catch (err) {
    return { ...cp, signedBy: [], signature: failed(err, 'bad_signature') };
  }
}

/** Whether the stored node hashes of the tree yield the checkpoint's root (RFC 9162 §2.1.1). */
export async function checkStoredTree(sql: Sql, cp: CheckedCheckpoint): Promise<Verdict> {
  try {
    const root = await rootAt(cp.treeSize, nodeReader(sql));
    return bytesEqual(root, cp.root) ? { ok: true } : { ok: false, reason: 'root_mismatch', message: 'the stored nodes hash to another root' };
  } catch (err) {
    return failed(err);
  }
}

/** A consistency check between two signed checkpoints. */
export interface ConsistencyCheck {
  older: CheckedCheckpoint;
  newer: CheckedCheckpoint;
  proof: Uint8Array[];
  verdict: Verdict;
}

/** RFC 9162 §2.1.4: proves from stored nodes that `older` is a prefix of `newer`, and verifies the proof against both signed roots. */
export async function checkConsistency(sql: Sql, older: CheckedCheckpoint, newer: CheckedCheckpoint): Promise<ConsistencyCheck> {
  let proof: Uint8Array[] = [];
  try {
    proof = await consistencyProof(older.treeSize, newer.treeSize, nodeReader(sql));
    await verifyConsistency(older.treeSize, newer.treeSize, proof, older.root, newer.root);
  } catch (err) {
    return { older, newer, proof, verdict: failed(err) };
  }
  const unsigned = [older, newer].find((c) => !c.signature.ok);
  return { older, newer, proof, verdict: unsigned ? unsigned.signature : { ok: true } };
}

/** An inclusion check of one event's leaf against a checkpoint. */
export interface InclusionCheck {
  eventId: string;
  type: string;
  createdAt: string;
  index: bigint;
  leafData: Uint8Array | null;
  leafHash: Uint8Array | null;
  proof: Uint8Array[];
  verdict: Verdict;
}

/** Where the asked-for leaf stands before any proof. */
export type LeafLookup = { found: true; index: bigint } | { found: false; why: 'no_event' | 'pending' | 'beyond' };

/** The leaf index of an event id, or of a leaf index, below `size`. */
export async function lookUpLeaf(sql: Sql, ask: { eventId?: string; index?: bigint }, size: bigint): Promise<LeafLookup> {
  let index: bigint;
  if (ask.eventId !== undefined) {
    const found = await leafIndexOfEvent(sql, ask.eventId);
    if (found === undefined) return { found: false, why: 'no_event' };
    if (found === null) return { found: false, why: 'pending' };
    index = found;
  } else index = ask.index!;
  return index < size ? { found: true, index } : { found: false, why: 'beyond' };
}

/**
 * Rebuilds leaf `index` from the events table (the RFC 8785 leaf of `src/crypto/log-leaf.ts`), hashes it, takes
 * its audit path from stored nodes and verifies it against `cp`'s signed root.
 */
export async function checkInclusion(sql: Sql, index: bigint, cp: CheckedCheckpoint): Promise<InclusionCheck> {
  const [row] = await leafRows(sql, index, index + 1n);
  const base = { index, eventId: row?.id ?? '', type: row?.type ?? '', createdAt: row?.createdAt ?? '' };
  if (!row) return { ...base, leafData: null, leafHash: null, proof: [], verdict: { ok: false, reason: 'leaf_missing', message: `leaf ${index} is missing from the events table` } };
  let data: Uint8Array | null = null;
  let hash: Uint8Array | null = null;
  let proof: Uint8Array[] = [];
  try {
    data = (await buildLeaf(row)).data;
    hash = await leafHash(data);
    proof = await inclusionProof(index, cp.treeSize, nodeReader(sql));
    await verifyInclusion(hash, index, cp.treeSize, proof, cp.root);
  } catch (err) {
    return { ...base, leafData: data, leafHash: hash, proof, verdict: failed(err) };
  }
  return { ...base, leafData: data, leafHash: hash, proof, verdict: cp.signature.ok ? { ok: true } : cp.signature };
}
