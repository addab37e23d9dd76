/**
 * Appending leaves to an RFC 9162 tree known only by its frontier (the complete subtrees of
 * its binary decomposition): the integrator uses it to compute the nodes to store, the
 * verifier to recompute a root over a stream of leaves in O(log n) memory. Hashes of one
 * level are computed concurrently (WebCrypto), or in a plain loop with an injected
 * synchronous SHA-256.
 */
import { bitLength, leafHash, nodeHash, nodeHashSync, type SyncSha256 } from './hash.js';
import { foldSubtrees, frontierNodes, type NodeId, type NodeReader } from './prove.js';

/** A complete subtree and its hash. */
export interface HashedNode extends NodeId {
  hash: Uint8Array;
}

/** A tree as much as appending needs: its size and its frontier nodes, largest first. */
export interface TreeFrontier {
  size: bigint;
  frontier: HashedNode[];
}

/** The empty tree. */
export const EMPTY_TREE: TreeFrontier = Object.freeze({ size: 0n, frontier: [] }) as TreeFrontier;

/**
 * Appends `leaves` (leaf hashes) to `tree`. Returns the grown tree and every complete subtree
 * that the new leaves completed, the new leaves themselves included (level 0) — exactly the
 * nodes a store must add. Throws RangeError if `tree.frontier` does not match `tree.size`.
 * With `sha256` (a synchronous SHA-256) it awaits nothing per node, only once per level.
 */
export async function extendTree(
  tree: TreeFrontier,
  leaves: readonly Uint8Array[],
  sha256?: SyncSha256,
): Promise<{ tree: TreeFrontier; nodes: HashedNode[] }> {
  const s = tree.size;
  const expected = frontierNodes(s);
  if (expected.length !== tree.frontier.length || expected.some((id, i) => id.level !== tree.frontier[i]!.level || id.index !== tree.frontier[i]!.index)) {
    throw new RangeError(`the frontier does not belong to a tree of size ${s}`);
  }
  const e = s + BigInt(leaves.length);
  const oldByLevel = new Map(tree.frontier.map((n) => [n.level, n]));
  const nodes: HashedNode[] = [];
  // New nodes of the current level, contiguous from index `first`.
  let first = s;
  let level: HashedNode[] = leaves.map((hash, i) => ({ level: 0, index: s + BigInt(i), hash }));
  for (const n of level) nodes.push(n);
  const newByLevel = new Map<number, { first: bigint; nodes: HashedNode[] }>([[0, { first, nodes: level }]]);
  const top = bitLength(e);
  for (let l = 0; l < top; l++) {
    const child = (index: bigint): Uint8Array => {
      const k = index - first;
      if (k >= 0n && k < BigInt(level.length)) return level[Number(k)]!.hash;
      const old = oldByLevel.get(l);
      if (old && old.index === index) return old.hash;
      throw new RangeError(`node (${l}, ${index}) is neither new nor on the frontier`);
    };
    const shift = BigInt(l + 1);
    const from = s >> shift;
    const to = e >> shift; // exclusive
    if (sha256) {
      // The same children as `child`, by position in `level` as a number (no bigint per lookup).
      const at = (k: number): Uint8Array => (k >= 0 && k < level.length ? level[k]!.hash : child(first + BigInt(k)));
      const base = Number(2n * from - first);
      const parents: HashedNode[] = [];
      for (let j = 0, n = Number(to - from); j < n; j++) {
        parents.push({ level: l + 1, index: from + BigInt(j), hash: nodeHashSync(sha256, at(base + 2 * j), at(base + 2 * j + 1)) });
      }
      level = parents;
    } else {
      const parents: Promise<HashedNode>[] = [];
      for (let i = from; i < to; i++) {
        const index = i;
        const left = child(2n * index);
        const right = child(2n * index + 1n);
        parents.push(nodeHash(left, right).then((hash) => ({ level: l + 1, index, hash })));
      }
      level = await Promise.all(parents);
    }
    first = from;
    for (const n of level) nodes.push(n);
    newByLevel.set(l + 1, { first, nodes: level });
  }
  const frontier = frontierNodes(e).map((id) => {
    const fresh = newByLevel.get(id.level);
    if (fresh) {
      const k = id.index - fresh.first;
      if (k >= 0n && k < BigInt(fresh.nodes.length)) return fresh.nodes[Number(k)]!;
    }
    const old = oldByLevel.get(id.level);
    if (old && old.index === id.index) return old;
    throw new RangeError(`frontier node (${id.level}, ${id.index}) is missing`);
  });
  return { tree: { size: e, frontier }, nodes };
}

/** RFC 9162 §2.1.1: the root hash of a tree given by its frontier. */
export function treeRoot(tree: TreeFrontier): Promise<Uint8Array> {
  return foldSubtrees(tree.frontier.map((n) => n.hash));
}

/** RFC 9162 §2.1.1 MTH: the root of the tree over the given leaf data (for tests and verifiers). */
export async function rootFromLeaves(leaves: readonly Uint8Array[]): Promise<Uint8Array> {
  const hashes = await Promise.all(leaves.map((d) => leafHash(d)));
  return treeRoot((await extendTree(EMPTY_TREE, hashes)).tree);
}

/** An in-memory node store over `nodes`, as a NodeReader (for tests and offline tools). */
export function memoryNodeReader(nodes: Iterable<HashedNode>): NodeReader {
  const map = new Map<string, Uint8Array>();
  for (const n of nodes) map.set(`${n.level}:${n.index}`, n.hash);
  return async (ids) =>
    ids.map((id) => {
      const h = map.get(`${id.level}:${id.index}`);
      if (!h) throw new RangeError(`node (${id.level}, ${id.index}) is not stored`);
      return h;
    });
}
