/**
 * Server-side proofs, RFC 9162 §2.1.3.1 (inclusion) and §2.1.4.1 (consistency), computed from
 * stored hashes of complete subtrees. Node (level, index) is the root of the perfect subtree
 * over leaves [index·2^level, (index+1)·2^level); level 0 holds the leaf hashes. Every proof
 * element is the hash of a leaf range that splits into at most log2(n) such nodes, and a proof
 * reads O(log n) nodes in one batch.
 */
import { emptyRoot, largestPowerOfTwoBelow, nodeHash, nodeHashSync, type SyncSha256 } from './hash.js';
import { InternalError } from '../../domain/errors.js';

/** The position of a stored complete subtree. */
export interface NodeId {
  level: number;
  index: bigint;
}

/**
 * Reads stored node hashes: resolves to one hash per id, in order (the `getNode(level, index)`
 * of the log, batched so a whole proof is one round trip). Must reject if any is missing.
 */
export type NodeReader = (ids: readonly NodeId[]) => Promise<Uint8Array[]>;

/** A half-open leaf range [start, end). */
type Range = readonly [start: bigint, end: bigint];

/**
 * The complete subtrees that make up the leaf range [start, end), largest first. Ranges that
 * occur in RFC 9162 proofs start at a multiple of a power of two at least as large as the
 * range, so these are exactly the stored nodes that cover it.
 */
export function rangeNodes(start: bigint, end: bigint): NodeId[] {
  if (start < 0n || end <= start) throw new RangeError(`empty or negative leaf range [${start}, ${end})`);
  const out: NodeId[] = [];
  let cur = start;
  // One subtree per set bit of the range's length, largest first.
  const bits = (end - start).toString(2);
  for (let i = 0; i < bits.length; i++) {
    if (bits[i] !== '1') continue;
    const level = bits.length - 1 - i;
    const width = 1n << BigInt(level);
    if (cur % width !== 0n) throw new RangeError(`leaf range [${start}, ${end}) is not aligned to complete subtrees`);
    out.push({ level, index: cur >> BigInt(level) });
    cur += width;
  }
  return out;
}

/** The stored nodes whose right fold is the root of the tree of `size` leaves (its "frontier"). */
export function frontierNodes(size: bigint): NodeId[] {
  return size === 0n ? [] : rangeNodes(0n, size);
}

/** RFC 9162 §2.1.1: the hash of a range from its complete subtrees, largest first (a right fold). */
export async function foldSubtrees(hashes: readonly Uint8Array[]): Promise<Uint8Array> {
  if (hashes.length === 0) return emptyRoot();
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = await nodeHash(hashes[i]!, acc);
  return acc;
}

/** RFC 9162 §2.1.3.1 PATH(m, D[start:end]): the ranges whose hashes form the audit path. */
function pathRanges(m: bigint, start: bigint, end: bigint, out: Range[]): void {
  if (end - start <= 1n) return;
  const k = largestPowerOfTwoBelow(end - start);
  if (m < start + k) {
    pathRanges(m, start, start + k, out);
    out.push([start + k, end]);
  } else {
    pathRanges(m, start + k, end, out);
    out.push([start, start + k]);
  }
}

/** RFC 9162 §2.1.4.1 SUBPROOF(m, D[start:end], b): the ranges whose hashes form the proof. */
function subproofRanges(m: bigint, start: bigint, end: bigint, complete: boolean, out: Range[]): void {
  if (start + m === end) {
    if (!complete) out.push([start, end]);
    return;
  }
  const k = largestPowerOfTwoBelow(end - start);
  if (m <= k) {
    subproofRanges(m, start, start + k, complete, out);
    out.push([start + k, end]);
  } else {
    subproofRanges(m - k, start + k, end, false, out);
    out.push([start, start + k]);
  }
}

/** RFC 9162 §2.1.1: {@link foldSubtrees} with a synchronous SHA-256 (MTH({}) = SHA-256()). */
export function foldSubtreesSync(hashes: readonly Uint8Array[], sha256: SyncSha256): Uint8Array {
  if (hashes.length === 0) return sha256(new Uint8Array(0));
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHashSync(sha256, hashes[i]!, acc);
  return acc;
}

/**
 * A proof laid out before any read: the stored nodes it needs, and how its hashes follow from
 * theirs. Lets a caller read the nodes together with whatever else it needs in one query.
 */
export interface ProofPlan {
  /** Every stored node the proof needs, each once. */
  nodes: NodeId[];
  /** The proof from the hashes of `nodes` (same order); with `sha256`, no promise per hash. */
  finish(hashes: readonly Uint8Array[], sha256?: SyncSha256): Promise<Uint8Array[]>;
}

/** The plan that hashes each range from the stored nodes covering it. */
function planRanges(ranges: readonly Range[]): ProofPlan {
  const perRange = ranges.map(([s, e]) => rangeNodes(s, e));
  const unique = new Map<string, NodeId>();
  for (const ids of perRange) for (const id of ids) unique.set(`${id.level}:${id.index}`, id);
  const nodes = [...unique.values()];
  return {
    nodes,
    async finish(hashes, sha256) {
      if (hashes.length !== nodes.length) throw new InternalError('log_integrity', 'node reader returned the wrong number of hashes');
      const byKey = new Map(nodes.map((id, i) => [`${id.level}:${id.index}`, hashes[i]!]));
      const of = (ids: NodeId[]) => ids.map((id) => byKey.get(`${id.level}:${id.index}`)!);
      if (sha256) return perRange.map((ids) => foldSubtreesSync(of(ids), sha256));
      return Promise.all(perRange.map((ids) => foldSubtrees(of(ids))));
    },
  };
}

/** Reads the plan's nodes in one batch and finishes the proof. */
async function readAndFinish(plan: ProofPlan, read: NodeReader, sha256?: SyncSha256): Promise<Uint8Array[]> {
  return plan.finish(plan.nodes.length ? await read(plan.nodes) : [], sha256);
}

/**
 * RFC 9162 §2.1.3.1: the plan of the inclusion proof (audit path) of leaf `index` in the tree
 * of `size` leaves. Throws RangeError unless 0 ≤ index < size.
 */
export function inclusionProofPlan(index: bigint, size: bigint): ProofPlan {
  if (index < 0n || index >= size) throw new RangeError(`leaf index ${index} is not below tree size ${size}`);
  const ranges: Range[] = [];
  pathRanges(index, 0n, size, ranges);
  return planRanges(ranges);
}

/**
 * RFC 9162 §2.1.4.1: the plan of the consistency proof between the trees of `size1` and
 * `size2` leaves (no nodes, an empty proof, when they are equal). Throws RangeError unless
 * 0 < size1 ≤ size2.
 */
export function consistencyProofPlan(size1: bigint, size2: bigint): ProofPlan {
  if (size1 <= 0n || size2 < size1) throw new RangeError(`no consistency proof from size ${size1} to size ${size2}`);
  const ranges: Range[] = [];
  if (size1 !== size2) subproofRanges(size1, 0n, size2, true, ranges);
  return planRanges(ranges);
}

/**
 * RFC 9162 §2.1.3.1: the inclusion proof (audit path) of leaf `index` in the tree of `size`
 * leaves, from stored nodes. Throws RangeError unless 0 ≤ index < size.
 */
export async function inclusionProof(index: bigint, size: bigint, read: NodeReader, sha256?: SyncSha256): Promise<Uint8Array[]> {
  return readAndFinish(inclusionProofPlan(index, size), read, sha256);
}

/**
 * RFC 9162 §2.1.4.1: the consistency proof between the trees of `size1` and `size2` leaves,
 * from stored nodes; empty when the sizes are equal. Throws RangeError unless 0 < size1 ≤ size2.
 */
export async function consistencyProof(size1: bigint, size2: bigint, read: NodeReader, sha256?: SyncSha256): Promise<Uint8Array[]> {
  return readAndFinish(consistencyProofPlan(size1, size2), read, sha256);
}

/** RFC 9162 §2.1.1: the root of the tree of `size` leaves, from its stored frontier nodes. */
export async function rootAt(size: bigint, read: NodeReader): Promise<Uint8Array> {
  if (size < 0n) throw new RangeError('negative tree size');
  const ids = frontierNodes(size);
  return foldSubtrees(ids.length ? await read(ids) : []);
}
