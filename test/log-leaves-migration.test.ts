/**
 * migrations/0010_log_leaves.sql on a log built before it: leaf indices, salts and pseudonyms
 * move from `audit_events` to `log_leaves` unchanged (an erased event's too), the pending
 * events join the queue, and the integrator continues the same tree. On both engines.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointSigner, logOriginOf, signCheckpoint } from '../src/crypto/checkpoint.js';
import { openKeyRing } from '../src/keys/open-key-ring.js';
import { buildLeaf, type LeafEvent } from '../src/crypto/log-leaf.js';
import { EMPTY_TREE, extendTree, leafHash, treeRoot } from '../src/crypto/merkle/index.js';
import { systemRandom } from '../src/domain/runtime.js';
import { loadMigrations } from '../src/entry/migrations.js';
import { createApp } from '../src/entry/app.js';
import type { AppDeps } from '../src/core/deps.js';
import { integrateLog } from '../src/log/integrate-log.js';
import { insertCheckpoint } from '../src/storage/log-repo.js';
import { migrate } from '../src/storage/migrate.js';
import { testClock } from './support/clock.js';
import { createTestDatabase, ENGINE, type TestDatabase } from './support/database.js';
import { testConfig } from './support/harness.js';
import { expectLogVerifies, insertEvents, insertLogNodesBefore0011, readLog } from './support/log.js';

let d: TestDatabase | undefined;
afterEach(async () => {
  await d?.drop();
  d = undefined;
});

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe(`migration 0010 (log leaves) on ${ENGINE}`, () => {
  it('moves integrated leaves and queues pending events; the integrator continues the same tree', async () => {
    d = await createTestDatabase({ migrated: false });
    const db = d.db;
    const files = loadMigrations();
    await migrate(db, files.filter((f) => f.name < '0010'));
    const clock = testClock();
    const config = testConfig();
    const keys = await openKeyRing(db, { kek: systemRandom.bytes(32), clock, random: systemRandom });
    const citizen = '01938f2e-8a4b-7c3d-9e5f-0a1b2c3d4e5f';
    await insertEvents(db, clock, 5, (i) => ({ citizenId: citizen, data: { subjectRef: `ref-${i}`, n: i } }));

    // What the integrator stored before 0010: leaves 0–2 on their event rows, nodes, a checkpoint.
    const rows = await db.query<{ id: string; seq: bigint; type: string; actor_type: string; actor_id: string | null; service_id: string | null; request_id: string | null; data: unknown; created_exact: string }>(
      `select id, seq, type, actor_type, actor_id, service_id, request_id, data,
              to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_exact
       from audit_events order by seq`,
    );
    const leaves: Uint8Array[] = [];
    const salts: Uint8Array[] = [];
    for (const [i, r] of rows.slice(0, 3).entries()) {
      const event: LeafEvent = {
        id: r.id,
        type: r.type,
        actorType: r.actor_type,
        actorId: r.actor_id,
        citizenId: citizen,
        serviceId: r.service_id,
        consentId: null,
        requestId: r.request_id,
        data: r.data,
        createdAt: r.created_exact,
        salt: systemRandom.bytes(32),
        pseudonyms: null,
      };
      const leaf = await buildLeaf(event);
      leaves.push(leaf.data);
      salts.push(event.salt!);
      await db.query(`update audit_events set leaf_index = $2, salt = decode($3, 'hex'), pseudonyms = $4::jsonb where id = $1`, [r.id, i, hex(event.salt!), leaf.pseudonyms]);
    }
    const grown = await extendTree(EMPTY_TREE, await Promise.all(leaves.map((l) => leafHash(l))));
    await insertLogNodesBefore0011(db, grown.nodes);
    const origin = logOriginOf(config.publicUrl);
    const root = await treeRoot(grown.tree);
    await insertCheckpoint(db, { treeSize: 3n, root, note: await signCheckpoint({ origin, size: 3n, root }, await checkpointSigner(keys, origin)), createdAt: clock.now() });
    // Leaf 1's citizen erased: values and salt gone, pseudonyms kept.
    await db.query(`update audit_events set salt = null, citizen_id = null, data = jsonb_set(data, '{subjectRef}', 'null') where leaf_index = 1`);

    await migrate(db, files);
    const moved = await db.query<{ leaf_index: bigint; seq: bigint; salt: Uint8Array | null; pseudonyms: Record<string, string> | null }>(
      'select leaf_index, seq, salt, pseudonyms from log_leaves order by leaf_index',
    );
    expect(moved.map((m) => [Number(m.leaf_index), String(m.seq), m.salt && hex(m.salt)])).toEqual(
      rows.slice(0, 3).map((r, i) => [i, String(r.seq), i === 1 ? null : hex(salts[i]!)]),
    );
    expect(moved.every((m) => Object.keys(m.pseudonyms ?? {}).sort().join() === '/citizenId,/data/subjectRef')).toBe(true);
    const queued = await db.query<{ seq: bigint }>('select seq from log_pending order by seq');
    expect(queued.map((q) => String(q.seq))).toEqual(rows.slice(3).map((r) => String(r.seq)));
    const columns = await db.query<{ column_name: string }>(`select column_name from information_schema.columns where table_name = 'audit_events'`);
    expect(columns.map((c) => c.column_name).filter((c) => ['leaf_index', 'salt', 'pseudonyms'].includes(c))).toEqual([]);

    // The same leaves (the erased one from its pseudonyms), then the pending events, then new ones.
    const deps: AppDeps = { db, keys, clock, random: systemRandom, config };
    const app = createApp(deps);
    expect(await integrateLog(deps)).toBe(5n);
    expect((await readLog(app)).leaves.slice(0, 3).map(hex)).toEqual(leaves.map(hex));
    await insertEvents(db, clock, 2);
    expect(await db.query('select seq from log_pending')).toHaveLength(2);
    expect(await integrateLog(deps)).toBe(7n);
    expect(await expectLogVerifies(app, db)).toBe(7n);
  });
});
