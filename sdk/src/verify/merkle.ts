/**
 * RFC 6962 / RFC 9162 Merkle tree hashing and client-side proof verification with SHA-256
 * (WebCrypto). Indices and sizes are bigint throughout: a log can outgrow 2^32 and 2^53.
 * Verification follows RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency), with the
 * edge cases of transparency-dev/merkle's verifier: every hash is 32 bytes, a consistency
 * proof from the empty tree is meaningless, equal sizes need an empty proof and equal roots.
 */
import { bytesEqual } from '../core/encoding.js';
import { VerificationError } from './verification-error.js';

/** Length in bytes of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

async function digest(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
}

/** RFC 9162 §2.1.1: the hash of a leaf, SHA-256(0x00 ‖ data). */
export function leafHash(data: Uint8Array): Promise<Uint8Array> {
  const buf = new Uint8Array(1 + data.length);
  buf[0] = 0x00;
  buf.set(data, 1);
  return digest(buf);
}

/** RFC 9162 §2.1.1: the hash of an interior node, SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = 0x01;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return digest(buf);
}

/** RFC 9162 §2.1.1: the root of the empty tree, SHA-256 of the empty string. */
export function emptyRoot(): Promise<Uint8Array> {
  return digest(new Uint8Array(0));
}

/** Why a proof was refused; stable, for callers and tests to match on. */
export type ProofFailure =
  /** Inclusion: the leaf index is not below the tree size. */
  | 'index_out_of_range'
  /** Consistency: the first size is larger than the second. */
  | 'sizes_out_of_order'
  /** Consistency: a proof from the empty tree proves nothing. */
  | 'empty_tree'
  /** Consistency: equal sizes, yet the proof is not empty. */
  | 'proof_not_empty'
  /** Consistency: different sizes, yet the proof is empty. */
  | 'proof_empty'
  /** A hash (leaf hash or proof element) is not 32 bytes. */
  | 'bad_hash_length'
  /** The proof has more hashes than the sizes call for. */
  | 'proof_too_long'
  /** The proof has fewer hashes than the sizes call for. */
  | 'proof_too_short'
  /** The recomputed root is not the given root (for consistency: the second root). */
  | 'root_mismatch'
  /** Consistency: the recomputed first root is not the given first root. */
  | 'first_root_mismatch';

/** A Merkle proof that does not verify; `reason` says why. */
export class MerkleProofError extends VerificationError<ProofFailure> {
  constructor(reason: ProofFailure, message: string) {
    super(reason, message);
    this.name = 'MerkleProofError';
  }
}

function assertHashes(hashes: readonly Uint8Array[], what: string): void {
  hashes.forEach((h, i) => {
    if (h.length !== HASH_SIZE) throw new MerkleProofError('bad_hash_length', `${what}[${i}] is ${h.length} bytes, not ${HASH_SIZE}`);
  });
}

/**
 * RFC 9162 §2.1.3.2: checks that `leaf` (a leaf hash) is at `index` in the tree of `size`
 * leaves whose root is `root`, given the audit path `proof`. Resolves on success; throws
 * MerkleProofError with the reason otherwise.
 */
export async function verifyInclusion(leaf: Uint8Array, index: bigint, size: bigint, proof: readonly Uint8Array[], root: Uint8Array): Promise<void> {
  // Step 1: the index must be inside the tree.
  if (index < 0n || index >= size) throw new MerkleProofError('index_out_of_range', `leaf index ${index} is not below tree size ${size}`);
  if (leaf.length !== HASH_SIZE) throw new MerkleProofError('bad_hash_length', `the leaf hash is ${leaf.length} bytes, not ${HASH_SIZE}`);
  assertHashes(proof, 'proof');
  // Steps 2-3.
  let fn = index;
  let sn = size - 1n;
  let r = leaf;
  // Step 4.
  for (const [i, p] of proof.entries()) {
    if (sn === 0n) throw new MerkleProofError('proof_too_long', `the proof has ${proof.length} hashes; this tree needs ${i}`);
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 5.
  if (sn !== 0n) throw new MerkleProofError('proof_too_short', `the proof has ${proof.length} hashes, too few for this tree`);
  if (!bytesEqual(r, root)) throw new MerkleProofError('root_mismatch', 'the proof leads to a different root');
}

/**
 * RFC 9162 §2.1.4.2: checks that the tree of `size1` leaves with root `root1` is a prefix of
 * the tree of `size2` leaves with root `root2`, given the consistency proof `proof`.
 * Resolves on success; throws MerkleProofError with the reason otherwise.
 */
export async function verifyConsistency(
  size1: bigint,
  size2: bigint,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): Promise<void> {
  if (size1 < 0n || size2 < size1) throw new MerkleProofError('sizes_out_of_order', `size1 ${size1} is larger than size2 ${size2}`);
  if (size1 === 0n) throw new MerkleProofError('empty_tree', 'a consistency proof from the empty tree is meaningless');
  if (size1 === size2) {
    if (proof.length > 0) throw new MerkleProofError('proof_not_empty', 'equal sizes need an empty proof');
    if (!bytesEqual(root1, root2)) throw new MerkleProofError('root_mismatch', 'equal sizes but different roots');
    return;
  }
  // Step 1.
  if (proof.length === 0) throw new MerkleProofError('proof_empty', 'different sizes need a non-empty proof');
  assertHashes(proof, 'proof');
  // Step 2: when size1 is a power of two, its root is the first (implied) element of the path.
  const path = (size1 & (size1 - 1n)) === 0n ? [root1, ...proof] : [...proof];
  // Step 3.
  let fn = size1 - 1n;
  let sn = size2 - 1n;
  // Step 4.
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 5.
  let fr = path[0]!;
  let sr = path[0]!;
  // Step 6.
  for (const c of path.slice(1)) {
    if (sn === 0n) throw new MerkleProofError('proof_too_long', 'the proof has more hashes than these sizes need');
    if ((fn & 1n) === 1n || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 7.
  if (sn !== 0n) throw new MerkleProofError('proof_too_short', 'the proof has too few hashes for these sizes');
  if (!bytesEqual(fr, root1)) throw new MerkleProofError('first_root_mismatch', 'the proof does not lead to the first root');
  if (!bytesEqual(sr, root2)) throw new MerkleProofError('root_mismatch', 'the proof does not lead to the second root');
}
