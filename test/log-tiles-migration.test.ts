/**
 * migrations/0011_log_tiles.sql on a log built before it: every `log_nodes` hash moves into its
 * tile unchanged, proofs and `log verify` see the same tree, the integrator continues it, and a
 * node store that is not one append-only tree stops the migration. On both engines.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointSigner, logOriginOf, signCheckpoint } from '../src/crypto/checkpoint.js';
import { openKeyRing } from '../src/keys/open-key-ring.js';
import { buildLeaf } from '../src/crypto/log-leaf.js';
import { EMPTY_TREE, extendTree, type HashedNode, leafHash, type TreeFrontier, treeRoot } from '../src/crypto/merkle/index.js';
import { systemRandom } from '../src/domain/runtime.js';
import { loadMigrations } from '../src/entry/migrations.js';
import { createApp } from '../src/entry/app.js';
import type { AppDeps } from '../src/core/deps.js';
import { integrateLog } from '../src/log/integrate-log.js';
import type { Db } from '../src/storage/db.js';
import { appendLeaves, insertCheckpoint, nodeReader, pendingEvents } from '../src/storage/log-repo.js';
import { migrate } from '../src/storage/migrate.js';
import { testClock } from './support/clock.js';
import { createTestDatabase, ENGINE, type TestDatabase } from './support/database.js';
import { testConfig } from './support/harness.js';
import { expectLogVerifies, insertEvents, insertLogNodesBefore0011 } from './support/log.js';

let d: TestDatabase | undefined;
afterEach(async () => {
  await d?.drop();
  d = undefined;
});

const before0011 = () => loadMigrations().filter((f) => f.name < '0011');

/** Integrates the pending events as the integrator did before 0011 (nodes as log_nodes rows). */
async function integrateBefore0011(db: Db, deps: AppDeps, tree: TreeFrontier): Promise<{ tree: TreeFrontier; nodes: HashedNode[] }> {
  const events = await pendingEvents(db, 1000);
  const salts = systemRandom.bytes(32 * events.length);
  const hashes = await Promise.all(
    events.map(async (e, i) => {
      e.salt = salts.subarray(32 * i, 32 * (i + 1));
      return leafHash((await buildLeaf(e)).data);
    }),
  );
  await appendLeaves(db, tree.size, events.map((e) => e.seq), salts);
  const grown = await extendTree(tree, hashes);
  await insertLogNodesBefore0011(db, grown.nodes);
  const origin = logOriginOf(deps.config.publicUrl);
  const root = await treeRoot(grown.tree);
  const note = await signCheckpoint({ origin, size: grown.tree.size, root }, await checkpointSigner(deps.keys, origin));
  await insertCheckpoint(db, { treeSize: grown.tree.size, root, note, createdAt: deps.clock.now() });
  return grown;
}

async function logBefore0011(batches: number[]): Promise<{ deps: AppDeps; nodes: HashedNode[] }> {
  d = await createTestDatabase({ migrated: false });
  const db = d.db;
  await migrate(db, before0011());
  const clock = testClock();
  const keys = await openKeyRing(db, { kek: systemRandom.bytes(32), clock, random: systemRandom });
  const deps: AppDeps = { db, keys, clock, random: systemRandom, config: testConfig() };
  let tree = EMPTY_TREE;
  const nodes: HashedNode[] = [];
  for (const n of batches) {
    await insertEvents(db, clock, n);
    const grown = await integrateBefore0011(db, deps, tree);
    nodes.push(...grown.nodes);
    tree = grown.tree;
  }
  return { deps, nodes };
}

describe(`migration 0011 (log tiles) on ${ENGINE}`, () => {
  it('moves every node into its tile; proofs, verification and the integrator carry on', async () => {
    const { deps, nodes } = await logBefore0011([5, 1, 13, 24]);
    expect(nodes).toHaveLength(2 * 43 - 4); // 2n − popcount(n) complete subtrees, 43 = 0b101011
    await migrate(deps.db, loadMigrations());

    const tables = await deps.db.query<{ table_name: string }>(`select table_name from information_schema.tables where table_name in ('log_nodes', 'log_tiles')`);
    expect(tables.map((t) => t.table_name)).toEqual(['log_tiles']);
    const read = await nodeReader(deps.db)(nodes);
    expect(read.map((h) => Buffer.from(h).toString('hex'))).toEqual(nodes.map((n) => Buffer.from(n.hash).toString('hex')));

    const app = createApp(deps);
    expect(await expectLogVerifies(app, deps.db)).toBe(43n);
    await insertEvents(deps.db, deps.clock, 30);
    expect(await integrateLog(deps, { batch: 7 })).toBe(73n);
    expect(await expectLogVerifies(app, deps.db)).toBe(73n);
  });

  it('refuses a node store that is not one append-only tree', async () => {
    const { deps } = await logBefore0011([11]);
    // Node (1, 2) gone: node (1, 3) and (2, 1) would no longer be where their positions say.
    await deps.db.query('delete from log_nodes where level = 1 and idx = 2');
    await expect(migrate(deps.db, loadMigrations())).rejects.toThrow(/not a set of complete subtrees/);
    const tables = await deps.db.query<{ table_name: string }>(`select table_name from information_schema.tables where table_name in ('log_nodes', 'log_tiles')`);
    expect(tables.map((t) => t.table_name)).toEqual(['log_nodes']);
  });
});
