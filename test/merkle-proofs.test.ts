/**
 * Property test: random trees of 1..300 leaves, built in random batches as the integrator
 * does; every root matches the RFC 9162 §2.1.1 definition, and the inclusion and consistency
 * proofs the server side produces from stored nodes verify (and fail once tampered with).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  EMPTY_TREE,
  extendTree,
  frontierNodes,
  type HashedNode,
  inclusionProof,
  leafHash,
  memoryNodeReader,
  MerkleProofError,
  nodeHash,
  rangeNodes,
  rootAt,
  rootFromLeaves,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../src/crypto/merkle/index.js';

/** Mulberry32: a small seeded PRNG so failures reproduce. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// An independent reference: RFC 9162 §2.1.1 MTH, recursively, with node:crypto.
const sha = (...parts: Uint8Array[]) => new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest());
function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return sha(Uint8Array.of(0), leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Uint8Array.of(1), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

const SEED = 0x5eed_6962;
const MAX = 300;

describe('Merkle proofs over random trees (seed 0x5eed6962)', () => {
  it('hashes as RFC 9162 says', async () => {
    const d = new TextEncoder().encode('leaf');
    expect(Buffer.from(await leafHash(d)).toString('hex')).toBe(Buffer.from(sha(Uint8Array.of(0), d)).toString('hex'));
    const l = sha(d);
    const r = sha(l);
    expect(await nodeHash(l, r)).toEqual(sha(Uint8Array.of(1), l, r));
    expect(await rootFromLeaves([])).toEqual(sha());
  });

  it('every root, inclusion proof and consistency proof of trees of 1..300 leaves', async () => {
    const rand = prng(SEED);
    const data = Array.from({ length: MAX }, () => Uint8Array.from({ length: 1 + Math.floor(rand() * 64) }, () => Math.floor(rand() * 256)));
    // Grow the tree in random batches, storing the nodes each batch completes.
    const stored: HashedNode[] = [];
    const roots: Uint8Array[] = [await treeRoot(EMPTY_TREE)];
    let tree = EMPTY_TREE;
    while (tree.size < BigInt(MAX)) {
      const n = Math.min(MAX - Number(tree.size), 1 + Math.floor(rand() * 40));
      const start = Number(tree.size);
      const grown = await extendTree(tree, await Promise.all(data.slice(start, start + n).map((d) => leafHash(d))));
      stored.push(...grown.nodes);
      tree = grown.tree;
      roots[Number(tree.size)] = await treeRoot(tree);
    }
    // No node is written twice, and every complete subtree of the final tree is stored.
    const keys = new Set(stored.map((n) => `${n.level}:${n.index}`));
    expect(keys.size).toBe(stored.length);
    let complete = 0;
    for (let l = 0; 1 << l <= MAX; l++) complete += Math.floor(MAX / (1 << l));
    expect(stored.length).toBe(complete);

    const read = memoryNodeReader(stored);
    /** A reader that counts its calls and the nodes they ask for. */
    const counting = () => {
      const c = { calls: 0, nodes: 0, read: (async (ids) => {
        c.calls++;
        c.nodes += ids.length;
        return read(ids);
      }) as typeof read };
      return c;
    };
    const rootOf = new Map<number, Uint8Array>();
    for (let n = 1; n <= MAX; n++) {
      const expected = mth(data.slice(0, n));
      expect(await rootAt(BigInt(n), read), `root at ${n}`).toEqual(expected);
      if (roots[n]) expect(roots[n]).toEqual(expected);
      rootOf.set(n, expected);
    }

    const leafHashes = await Promise.all(data.map((d) => leafHash(d)));
    for (let n = 1; n <= MAX; n++) {
      const root = rootOf.get(n)!;
      // Every index for small trees; for larger ones the edges, powers of two and a random sample.
      const indices = new Set<number>(n <= 64 ? Array.from({ length: n }, (_, i) => i) : [0, n - 1, n >> 1]);
      for (let p = 1; p < n; p *= 2) indices.add(p).add(p - 1);
      while (indices.size < Math.min(n, 24)) indices.add(Math.floor(rand() * n));
      await Promise.all(
        [...indices].map(async (i) => {
          const c = counting();
          const proof = await inclusionProof(BigInt(i), BigInt(n), c.read);
          // One batched read of O(log n) nodes per proof.
          expect(c.calls).toBe(n === 1 ? 0 : 1);
          expect(c.nodes).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)) + 1);
          await verifyInclusion(leafHashes[i]!, BigInt(i), BigInt(n), proof, root);
          if (proof.length > 0) {
            const bad = proof.map((h) => h.slice());
            const j = Math.floor(rand() * bad.length);
            bad[j]![Math.floor(rand() * 32)]! ^= 1 << Math.floor(rand() * 8);
            await expect(verifyInclusion(leafHashes[i]!, BigInt(i), BigInt(n), bad, root)).rejects.toBeInstanceOf(MerkleProofError);
          }
        }),
      );
      const froms = new Set<number>(n <= 64 ? Array.from({ length: n }, (_, i) => i + 1) : [1, n, n - 1]);
      for (let p = 1; p <= n; p *= 2) froms.add(p);
      while (froms.size < Math.min(n, 24)) froms.add(1 + Math.floor(rand() * n));
      await Promise.all(
        [...froms].map(async (m) => {
          const c = counting();
          const proof = await consistencyProof(BigInt(m), BigInt(n), c.read);
          expect(c.calls).toBe(m === n ? 0 : 1);
          expect(c.nodes).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)) + 1);
          await verifyConsistency(BigInt(m), BigInt(n), proof, rootOf.get(m)!, root);
          if (m < n) {
            const bad = proof.map((h) => h.slice());
            bad[Math.floor(rand() * bad.length)]![0]! ^= 0x80;
            await expect(verifyConsistency(BigInt(m), BigInt(n), bad, rootOf.get(m)!, root)).rejects.toBeInstanceOf(MerkleProofError);
            await expect(verifyConsistency(BigInt(m), BigInt(n), proof, rootOf.get(m)!, rootOf.get(n - 1)!)).rejects.toBeInstanceOf(
              MerkleProofError,
            );
          }
        }),
      );
    }
  });

  it('uses exact arithmetic beyond 2^53', async () => {
    const big = (1n << 60n) + 5n;
    expect(frontierNodes(big)).toEqual([
      { level: 60, index: 0n },
      { level: 2, index: 1n << 58n },
      { level: 0, index: (1n << 60n) + 4n },
    ]);
    expect(rangeNodes((1n << 54n) + 4n, (1n << 54n) + 7n)).toEqual([
      { level: 1, index: (1n << 53n) + 2n },
      { level: 0, index: (1n << 54n) + 6n },
    ]);
    // A tree of 2^60+5 identical leaves: every node of a level has the same hash.
    const level: Uint8Array[] = [await leafHash(Uint8Array.of(7))];
    for (let l = 1; l <= 61; l++) level.push(await nodeHash(level[l - 1]!, level[l - 1]!));
    const read = async (ids: readonly { level: number }[]) => ids.map((id) => level[id.level]!);
    const size2 = big + 123_456_789n;
    const root = await rootAt(big, read);
    const root2 = await rootAt(size2, read);
    for (const index of [0n, big - 1n, (1n << 53n) + 1n, big - 6n]) {
      const proof = await inclusionProof(index, big, read);
      await verifyInclusion(level[0]!, index, big, proof, root);
      await expect(verifyInclusion(level[0]!, index, big, proof.slice(1), root)).rejects.toMatchObject({ reason: 'proof_too_short' });
    }
    await verifyConsistency(big, size2, await consistencyProof(big, size2, read), root, root2);
    await verifyConsistency((1n << 53n) + 1n, big, await consistencyProof((1n << 53n) + 1n, big, read), await rootAt((1n << 53n) + 1n, read), root);
  });
});
