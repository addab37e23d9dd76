/**
 * Where a stored subtree hash lives in `log_tiles` (migrations/0011_log_tiles.sql). The tree's
 * levels are cut into groups of {@link TILE_HEIGHT}; a tile of group g holds the nodes of levels
 * 4g … 4g+3 under one node of level 4g+4: 16 + 8 + 4 + 2 = 30 hashes of 32 bytes. A proof of a
 * tree of n leaves then reads about log2(n)/4 rows instead of log2(n), from an index a hundredth
 * the size (the idea of C2SP tlog-tiles, kept inside the database).
 *
 * Inside a tile the hashes are in post-order (left subtree, right subtree, parent), the order in
 * which an append-only tree completes its subtrees: a tile only ever grows at its end, so the
 * integrator appends to the one partial tile of each group, and a node is stored exactly when
 * its position is below the tile's length. The SQL function `log_node_slot` computes the same.
 */
import type { NodeId } from '../crypto/merkle/index.js';

/** Levels per tile group. */
export const TILE_HEIGHT = 4;
/** Hashes in a full tile: 2^4 + 2^3 + 2^2 + 2^1. */
export const TILE_NODES = 30;

/** A node's tile (group, index) and its position (0 … 29) in the tile's post-order. */
export interface NodeSlot {
  group: number;
  tile: bigint;
  pos: number;
}

/** The tile and post-order position of node (level, index); the same as SQL `log_node_slot`. */
export function nodeSlot(id: NodeId): NodeSlot {
  const r = id.level % TILE_HEIGHT;
  const width = BigInt(TILE_HEIGHT - r);
  // j: the node's place on its level inside the tile; k: the tile's bottom-level nodes that are
  // complete when it completes. Before it in post-order: every node complete by then on levels
  // up to its own, minus those above it that complete with the same bottom node (its parents).
  const j = Number(id.index & ((1n << width) - 1n));
  const k = (j + 1) << r;
  let pos = k + (k >> 1) + (k >> 2) + (k >> 3) - 1;
  for (let s = r + 1; s < TILE_HEIGHT; s++) if (k % (1 << s) === 0) pos--;
  return { group: Math.floor(id.level / TILE_HEIGHT), tile: id.index >> width, pos };
}

/** A tile's key as text, for maps. */
export const tileKey = (group: number, tile: bigint): string => `${group}:${tile}`;
