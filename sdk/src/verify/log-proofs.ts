/**
 * Verifying the transparency log's proofs as the API serves them (decimal strings, standard
 * base64 hashes) against checkpoints verified with `verifyCheckpoint`.
 */
import { bytesEqual, strictB64 } from '../core/encoding.js';
import { type Checkpoint, verifyCheckpoint, type VerifiedCheckpoint } from './checkpoint.js';
import { leafHash, MerkleProofError, verifyConsistency, verifyInclusion } from './merkle.js';
import type { Policy } from './policy.js';

/** `GET /v1/log/proof/inclusion` answer. */
export interface InclusionProofBody {
  index: string;
  treeSize: string;
  leafHash: string;
  proof: readonly string[];
}

/** `GET /v1/log/proof/consistency` answer. */
export interface ConsistencyProofBody {
  from: string;
  to: string;
  proof: readonly string[];
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

function decimal(s: string, what: string): bigint {
  if (typeof s !== 'string' || !DECIMAL.test(s)) throw new MerkleProofError('index_out_of_range', `${what} is not a decimal integer`);
  return BigInt(s);
}

function hashes(list: readonly string[], what: string): Uint8Array[] {
  if (!Array.isArray(list)) throw new MerkleProofError('bad_hash_length', `${what} is not a list of hashes`);
  return list.map((h, i) => {
    const bytes = typeof h === 'string' ? strictB64(h) : undefined;
    if (!bytes) throw new MerkleProofError('bad_hash_length', `${what}[${i}] is not standard base64`);
    return bytes;
  });
}

/** A signed checkpoint note to verify against a tlog-policy before trusting its root. */
export interface WitnessedCheckpointInput {
  note: string;
  policy: Policy;
}

/**
 * Verifies an inclusion proof from the API against `checkpoint` (whose size must be the proof's
 * tree size): either a checkpoint verified already, or `{ note, policy }` — then the note is
 * first verified with `verifyCheckpoint(note, policy)`, so a checkpoint below the policy's
 * quorum of witnesses is refused (NoteError `quorum_not_met`). With `leafData`, also checks
 * that the proven leaf hash is SHA-256(0x00 ‖ data). Returns the leaf index; throws
 * MerkleProofError or NoteError otherwise.
 */
export async function verifyInclusionProof(body: InclusionProofBody, trusted: Checkpoint | WitnessedCheckpointInput, leafData?: Uint8Array): Promise<bigint> {
  const checkpoint = 'policy' in trusted ? await verifyCheckpoint(trusted.note, trusted.policy) : trusted;
  const index = decimal(body.index, 'index');
  const size = decimal(body.treeSize, 'treeSize');
  if (size !== checkpoint.size) throw new MerkleProofError('root_mismatch', `the proof is for a tree of ${size} leaves, the checkpoint has ${checkpoint.size}`);
  const [leaf] = hashes([body.leafHash], 'leafHash');
  if (leafData !== undefined && !bytesEqual(await leafHash(leafData), leaf!)) {
    throw new MerkleProofError('root_mismatch', 'the leaf data does not hash to the proven leaf hash');
  }
  await verifyInclusion(leaf!, index, size, hashes(body.proof, 'proof'), checkpoint.root);
  return index;
}

/**
 * Verifies a consistency proof from the API: `older` (a checkpoint of `from` leaves) is a
 * prefix of `newer` (a checkpoint of `to` leaves). Throws MerkleProofError otherwise.
 */
export async function verifyConsistencyProof(body: ConsistencyProofBody, older: Checkpoint, newer: Checkpoint): Promise<void> {
  const from = decimal(body.from, 'from');
  const to = decimal(body.to, 'to');
  if (from !== older.size || to !== newer.size) {
    throw new MerkleProofError('root_mismatch', `the proof is from ${from} to ${to}, the checkpoints are of ${older.size} and ${newer.size} leaves`);
  }
  await verifyConsistency(from, to, hashes(body.proof, 'proof'), older.root, newer.root);
}

/** One entry of `GET /v1/me/access-log` as far as its proof goes. */
export interface AccessLogEntryProof {
  id: string;
  leafIndex: string | null;
  leafData: string | null;
  leafHash: string | null;
  inclusionProof: readonly string[] | null;
}

/**
 * Verifies the proofs of an access-log page (`GET /v1/me/access-log`) against its checkpoint,
 * whose signature must verify with `verifierKeys` (pinned): every integrated entry's leaf data
 * hashes to its leaf hash, and its inclusion proof leads to the checkpoint's root. Returns the
 * verified checkpoint and the ids of the entries proven (entries not yet integrated are skipped).
 * Throws NoteError or MerkleProofError otherwise.
 */
export async function verifyAccessLogPage(
  page: { checkpoint: string | null; treeSize: string | null; items: readonly AccessLogEntryProof[] },
  verifierKeys: readonly string[],
): Promise<{ checkpoint: VerifiedCheckpoint | null; proven: string[] }> {
  const integrated = page.items.filter((e) => e.leafIndex !== null);
  if (page.checkpoint === null) {
    if (integrated.length > 0) throw new MerkleProofError('root_mismatch', 'integrated entries but no checkpoint to prove them against');
    return { checkpoint: null, proven: [] };
  }
  const checkpoint = await verifyCheckpoint(page.checkpoint, verifierKeys);
  if (page.treeSize !== checkpoint.size.toString()) throw new MerkleProofError('root_mismatch', 'treeSize is not the checkpoint’s size');
  const proven: string[] = [];
  for (const e of integrated) {
    if (e.leafData === null || e.leafHash === null || e.inclusionProof === null) throw new MerkleProofError('proof_too_short', `entry ${e.id} has no proof`);
    const data = strictB64(e.leafData);
    if (!data) throw new MerkleProofError('bad_hash_length', `entry ${e.id}: leafData is not base64`);
    await verifyInclusionProof({ index: e.leafIndex!, treeSize: page.treeSize, leafHash: e.leafHash, proof: e.inclusionProof }, checkpoint, data);
    proven.push(e.id);
  }
  return { checkpoint, proven };
}
