/**
 * The tile layout of the stored subtree hashes (src/storage/log-tiles.ts): a node's slot is its
 * place in the post-order of its tile, so tiles grow only at their end as the tree grows, and
 * the SQL function `log_node_slot` agrees with `nodeSlot`. On both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_TREE, extendTree, type HashedNode, type NodeId, type TreeFrontier } from '../src/crypto/merkle/index.js';
import { insertNodes, MisplacedNodesError, nodeReader } from '../src/storage/log-repo.js';
import { nodeSlot, TILE_HEIGHT, TILE_NODES } from '../src/storage/log-tiles.js';
import { createTestDatabase, ENGINE, type TestDatabase } from './support/database.js';

/** The nodes of one tile's levels under a node of level 4: post-order, by brute force. */
function postOrder(level: number, index: bigint, bottom: number, out: NodeId[]): void {
  if (level > bottom) {
    postOrder(level - 1, 2n * index, bottom, out);
    postOrder(level - 1, 2n * index + 1n, bottom, out);
  }
  out.push({ level, index });
}

const leafHashes = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => {
    const h = new Uint8Array(32);
    new DataView(h.buffer).setUint32(0, from + i);
    h[31] = 0x5a;
    return h;
  });

describe('nodeSlot', () => {
  it('numbers every tile of every group in post-order, 0 … 29', () => {
    for (const group of [0, 1, 2, 7, 15]) {
      for (const tile of [0n, 1n, 5n, 123_456_789n]) {
        const order: NodeId[] = [];
        const bottom = group * TILE_HEIGHT;
        postOrder(bottom + TILE_HEIGHT - 1, 2n * tile, bottom, order);
        postOrder(bottom + TILE_HEIGHT - 1, 2n * tile + 1n, bottom, order);
        expect(order).toHaveLength(TILE_NODES);
        order.forEach((id, pos) => expect(nodeSlot(id)).toEqual({ group, tile, pos }));
      }
    }
  });

  it('puts the nodes a growing tree completes at the end of their tiles', async () => {
    let tree: TreeFrontier = EMPTY_TREE;
    const length = new Map<string, number>();
    for (const n of [1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377]) {
      const grown = await extendTree(tree, leafHashes(Number(tree.size), n));
      // Each batch's new nodes in a tile are the positions right after those stored before.
      const added = new Map<string, number[]>();
      for (const node of grown.nodes) {
        const s = nodeSlot(node);
        const key = `${s.group}:${s.tile}`;
        added.set(key, [...(added.get(key) ?? []), s.pos]);
      }
      for (const [key, positions] of added) {
        const from = length.get(key) ?? 0;
        expect(positions.sort((a, b) => a - b), `tile ${key} after ${tree.size} leaves`).toEqual(positions.map((_, i) => from + i));
        length.set(key, from + positions.length);
      }
      tree = grown.tree;
    }
  });
});

describe(`log_tiles on ${ENGINE}`, () => {
  let d: TestDatabase;
  beforeAll(async () => {
    d = await createTestDatabase();
  });
  afterAll(async () => {
    await d.drop();
  });

  it('log_node_slot agrees with nodeSlot', async () => {
    const ids: NodeId[] = [];
    for (let level = 0; level < 64; level += 3) for (const index of [0n, 1n, 2n, 3n, 6n, 7n, 15n, 16n, 1_000_003n, (1n << BigInt(63 - level)) - 1n]) ids.push({ level, index });
    const rows = await d.db.query<{ grp: number; tile: bigint; pos: number }>(
      'select s.grp, s.tile, s.pos from unnest($1::int[], $2::bigint[]) with ordinality as q(level, idx, o) cross join lateral log_node_slot(q.level, q.idx) s order by q.o',
      [`{${ids.map((i) => i.level).join(',')}}`, `{${ids.map((i) => i.index).join(',')}}`],
    );
    expect(rows.map((r) => ({ group: Number(r.grp), tile: BigInt(r.tile), pos: Number(r.pos) }))).toEqual(ids.map(nodeSlot));
  });

  it('stores a growing tree batch by batch and reads back every node', async () => {
    let tree: TreeFrontier = EMPTY_TREE;
    const all: HashedNode[] = [];
    for (const n of [3, 1, 12, 17, 100, 1, 300]) {
      const grown = await extendTree(tree, leafHashes(Number(tree.size), n));
      await d.db.transaction((tx) => insertNodes(tx, grown.nodes));
      all.push(...grown.nodes);
      tree = grown.tree;
    }
    const read = await nodeReader(d.db)(all);
    expect(read.map((h) => Buffer.from(h).toString('hex'))).toEqual(all.map((n) => Buffer.from(n.hash).toString('hex')));
    const [byFunction] = await d.db.query<{ h: Uint8Array }>('select log_node($1, $2) as h', [all[200]!.level, all[200]!.index.toString()]);
    expect(Buffer.from(byFunction!.h).equals(Buffer.from(all[200]!.hash))).toBe(true);
    const [missing] = await d.db.query<{ h: Uint8Array | null }>('select log_node(0, 1000000) as h');
    expect(missing!.h).toBeNull();
    await expect(nodeReader(d.db)([{ level: 0, index: tree.size }])).rejects.toThrow(`log node (0, ${tree.size}) is not stored`);

    // Stored twice, or with a gap: refused, and the transaction keeps nothing.
    const next = await extendTree(tree, leafHashes(Number(tree.size), 5));
    await expect(d.db.transaction((tx) => insertNodes(tx, all.slice(-3)))).rejects.toBeDefined();
    await expect(d.db.transaction((tx) => insertNodes(tx, next.nodes.slice(1)))).rejects.toBeInstanceOf(MisplacedNodesError);
    await d.db.transaction((tx) => insertNodes(tx, next.nodes));
    expect((await nodeReader(d.db)(next.nodes)).length).toBe(next.nodes.length);
  });
});
