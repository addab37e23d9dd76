/**
 * The log integrator on both engines: contiguous leaves in seq order, one signed
 * checkpoint per batch, each extending the previous; no gap and no duplicate under concurrent
 * appends and concurrent integrators; a batch that fails half-way leaves nothing behind.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkpointVerifierKey, logOriginOf, parseCheckpoint } from '../src/crypto/checkpoint.js';
import { buildLeaf, pseudonymMatches } from '../src/crypto/log-leaf.js';
import { emptyRoot } from '../src/crypto/merkle/index.js';
import { verifyNote } from '../src/crypto/signed-note.js';
import { LogIntegrityError, integrateLog, type IntegratorStage } from '../src/log/integrate-log.js';
import type { Db } from '../src/storage/db.js';
import { loadEvents } from '../src/storage/erasure-repo.js';
import { ENGINE } from './support/database.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { expectLogVerifies, getJson, insertEvents, readLog, resetLog, SET_NODE_SQL, STORED_NODES_SQL } from './support/log.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});
// Each test starts from an empty log.
beforeEach(async () => {
  await resetLog(t.db);
});

const count = async (db: Db, sql: string) => Number((await db.query<{ n: bigint }>(sql))[0]!.n);
const leafIndices = async (db: Db) =>
  (await db.query<{ id: string; leaf_index: bigint | null }>('select e.id, l.leaf_index from audit_events e left join log_leaves l on l.seq = e.seq order by e.seq')).map((r) => ({
    id: r.id,
    leaf: r.leaf_index === null ? null : Number(r.leaf_index),
  }));

describe(`log integrator on ${ENGINE}`, () => {
  it('starts with a signed empty tree, then integrates in batches, each checkpoint extending the previous', async () => {
    expect(await integrateLog(t.deps)).toBe(0n);
    const empty = parseCheckpoint(await (await t.app.request('/v1/log/checkpoint')).text());
    expect(empty).toMatchObject({ origin: logOriginOf(t.config.publicUrl), size: 0n });
    expect(empty.root).toEqual(await emptyRoot());

    const ids = await insertEvents(t.db, t.clock, 23);
    expect(await integrateLog(t.deps, { batch: 5 })).toBe(23n);
    const sizes = (await t.db.query<{ tree_size: bigint }>('select tree_size from log_checkpoints order by tree_size')).map((r) => r.tree_size);
    expect(sizes).toEqual([0n, 5n, 10n, 15n, 20n, 23n]);
    expect(await leafIndices(t.db)).toEqual(ids.map((id, i) => ({ id, leaf: i })));
    expect(await expectLogVerifies(t.app, t.db)).toBe(23n);
    // Nothing pending: nothing new is signed.
    expect(await integrateLog(t.deps, { batch: 5 })).toBe(23n);
    expect(await count(t.db, 'select count(*) as n from log_checkpoints')).toBe(6);
    // The published key is the key ring's checkpoint key.
    expect((await (await t.app.request('/v1/log/key')).text()).trim()).toBe(await checkpointVerifierKey(t.deps.keys, logOriginOf(t.config.publicUrl)));
  });

  it('limits a run to maxBatches and continues on the next run', async () => {
    await insertEvents(t.db, t.clock, 12);
    expect(await integrateLog(t.deps, { batch: 4, maxBatches: 2 })).toBe(8n);
    expect(await integrateLog(t.deps, { batch: 4 })).toBe(12n);
    expect(await expectLogVerifies(t.app, t.db)).toBe(12n);
  });

  it('commits personal fields as per-event salted hashes, so erasing them keeps the leaf', async () => {
    const citizen = '01938f2e-8a4b-7c3d-9e5f-0a1b2c3d4e5f';
    const ids = await insertEvents(t.db, t.clock, 2, () => ({
      type: 'consent.granted',
      actorType: 'citizen',
      actorId: citizen,
      citizenId: citizen,
      data: { subjectRef: 'ps-secret-ref', items: [{ subjectRef: 'ref-two', purpose: 't-benefits' }], purpose: 't-benefits' },
    }));
    await integrateLog(t.deps);
    const before = await readLog(t.app);
    const text = before.leaves.map((l) => new TextDecoder().decode(l));
    for (const s of text) {
      expect(s).not.toContain(citizen);
      expect(s).not.toContain('ps-secret-ref');
      expect(s).not.toContain('ref-two');
      expect(s).toContain('t-benefits');
    }
    const [a, b] = text.map((s) => JSON.parse(s) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(a!.citizenId).toMatch(/^sha256:[A-Za-z0-9_-]{43}$/);
    expect(a!.actorId).toBe(a!.citizenId);
    expect(a!.citizenId).not.toBe(b!.citizenId); // a fresh salt per event: no linking across events
    const [row] = await t.db.query<{ salt: Uint8Array }>('select salt from log_leaves where leaf_index = 0');
    expect(await pseudonymMatches(row!.salt, citizen, a!.citizenId)).toBe(true);
    expect(await pseudonymMatches(row!.salt, 'ps-secret-ref', a!.data.subjectRef)).toBe(true);
    expect(await pseudonymMatches(row!.salt, 'someone-else', a!.data.subjectRef)).toBe(false);

    // Erasure: salt and personal values go, the committed pseudonyms are stored in their place
    // (as the erasure's redaction does); the leaves do not change.
    for (const e of await loadEvents(t.db, ids)) {
      const { pseudonyms } = await buildLeaf(e);
      expect(Object.keys(pseudonyms).sort()).toEqual(['/actorId', '/citizenId', '/data/items/0/subjectRef', '/data/subjectRef']);
      await t.db.query('update log_leaves set salt = null, pseudonyms = $2::jsonb where seq = $1', [e.seq.toString(), pseudonyms]);
    }
    await t.db.query(
      `update audit_events set citizen_id = null, actor_id = null,
         data = jsonb_set(jsonb_set(data, '{subjectRef}', 'null'), '{items,0,subjectRef}', 'null')`,
    );
    const after = await readLog(t.app);
    expect(after.leaves).toEqual(before.leaves);
    await expectLogVerifies(t.app, t.db);
  });

  it('never leaves a gap or a duplicate under concurrent appends and integrators', async () => {
    const writers = ENGINE === 'postgres' ? [0, 1, 2, 3].map(() => t.database.connect!(2)) : [t.db, t.db, t.db, t.db];
    const integrators = ENGINE === 'postgres' ? [t.database.connect!(1), t.database.connect!(1)] : [t.db, t.db];
    const perWriter = 40;
    let writing = true;
    const write = async (db: Db, w: number) => {
      for (let i = 0; i < perWriter; i += 4) {
        // Several events per transaction, so commits interleave with integration.
        await db.transaction(async (tx) => {
          await insertEvents(tx, t.clock, 4, (k) => ({ requestId: `w${w}-${i + k}` }));
          await new Promise((r) => setTimeout(r, Math.random() * 5));
        });
      }
    };
    const integrate = async (db: Db) => {
      while (writing) {
        await integrateLog({ ...t.deps, db }, { batch: 7 });
        await new Promise((r) => setTimeout(r, Math.random() * 3));
      }
    };
    const loops = integrators.map(integrate);
    await Promise.all(writers.map(write));
    writing = false;
    await Promise.all(loops);
    expect(await integrateLog(t.deps, { batch: 7 })).toBe(BigInt(writers.length * perWriter));
    const leaves = (await leafIndices(t.db)).map((r) => r.leaf);
    expect(leaves.every((l) => l !== null)).toBe(true);
    expect([...leaves].sort((x, y) => x! - y!)).toEqual(Array.from({ length: writers.length * perWriter }, (_, i) => i));
    expect(await count(t.db, 'select count(distinct request_id) as n from audit_events')).toBe(writers.length * perWriter);
    await expectLogVerifies(t.app, t.db);
  });

  it.runIf(ENGINE === 'postgres')('integrates an event that commits after a later one was integrated, at the next leaf', async () => {
    const slow = t.database.connect!(1);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const insertedP = new Promise<void>((r) => (inserted = r));
    // A transaction takes a seq first and commits last.
    const slowTx = slow.transaction(async (tx) => {
      await insertEvents(tx, t.clock, 1, () => ({ requestId: 'slow' }));
      inserted();
      await held;
    });
    await insertedP;
    await insertEvents(t.db, t.clock, 3, (i) => ({ requestId: `fast-${i}` }));
    expect(await integrateLog(t.deps)).toBe(3n);
    release();
    await slowTx;
    expect(await integrateLog(t.deps)).toBe(4n);
    const rows = await t.db.query<{ request_id: string; leaf_index: bigint; seq: bigint }>(
      'select e.request_id, l.leaf_index, e.seq from audit_events e join log_leaves l on l.seq = e.seq order by l.leaf_index',
    );
    expect(rows.map((r) => r.request_id)).toEqual(['fast-0', 'fast-1', 'fast-2', 'slow']);
    expect(rows[3]!.seq).toBeLessThan(rows[0]!.seq); // smaller seq, later leaf
    await expectLogVerifies(t.app, t.db);
  });

  it.runIf(ENGINE === 'postgres')('runs one integrator at a time: a second one returns without integrating', async () => {
    const other = t.database.connect!(1);
    await insertEvents(t.db, t.clock, 5);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const lockedP = new Promise<void>((r) => (locked = r));
    const first = integrateLog(t.deps, {
      onStage: async (stage) => {
        if (stage !== 'leaves-assigned') return;
        locked();
        await held;
      },
    });
    await lockedP;
    expect(await integrateLog({ ...t.deps, db: other })).toBe(0n); // the lock is taken: the empty tree is all it sees
    release();
    expect(await first).toBe(5n);
    await expectLogVerifies(t.app, t.db);
  });

  const stages: IntegratorStage[] = ['leaves-assigned', 'nodes-stored', 'checkpoint-stored'];
  it.each(stages)('loses nothing when a batch fails after %s, and the next run continues', async (failAt) => {
    await insertEvents(t.db, t.clock, 9);
    expect(await integrateLog(t.deps, { batch: 4, maxBatches: 1 })).toBe(4n);
    const nodes = await count(t.db, STORED_NODES_SQL);
    await expect(
      integrateLog(t.deps, {
        batch: 4,
        onStage: (stage) => {
          if (stage === failAt) throw new Error(`injected failure after ${stage}`);
        },
      }),
    ).rejects.toThrow('injected failure');
    expect(await count(t.db, 'select count(*) as n from log_leaves')).toBe(4);
    expect(await count(t.db, STORED_NODES_SQL)).toBe(nodes);
    expect(await count(t.db, 'select max(tree_size) as n from log_checkpoints')).toBe(4);
    expect(await integrateLog(t.deps, { batch: 4 })).toBe(9n);
    expect((await leafIndices(t.db)).map((r) => r.leaf)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    await expectLogVerifies(t.app, t.db);
  });

  it.runIf(ENGINE === 'postgres')('loses nothing when the integrator connection dies mid-batch', async () => {
    const doomed = t.database.connect!(1);
    await insertEvents(t.db, t.clock, 6);
    await expect(
      integrateLog({ ...t.deps, db: doomed }, {
        onStage: async (stage, tx) => {
          if (stage === 'nodes-stored') await tx.query('select pg_terminate_backend(pg_backend_pid())');
        },
      }),
    ).rejects.toThrow();
    expect(await count(t.db, 'select count(*) as n from log_leaves')).toBe(0);
    expect(await count(t.db, STORED_NODES_SQL)).toBe(0);
    expect(await integrateLog(t.deps)).toBe(6n);
    await expectLogVerifies(t.app, t.db);
  });

  it('refuses to sign when the stored nodes no longer yield the last checkpoint', async () => {
    await insertEvents(t.db, t.clock, 3);
    await integrateLog(t.deps);
    await t.db.query(SET_NODE_SQL, [1, 0, new Uint8Array(32)]);
    await insertEvents(t.db, t.clock, 2);
    await expect(integrateLog(t.deps)).rejects.toBeInstanceOf(LogIntegrityError);
    expect(await count(t.db, 'select max(tree_size) as n from log_checkpoints')).toBe(3);
    expect(await count(t.db, 'select count(*) as n from log_pending')).toBe(2);
  });

  it('signs the same tree again when the origin changes, never a different one', async () => {
    await insertEvents(t.db, t.clock, 3);
    await integrateLog(t.deps);
    const moved = { ...t.deps, config: { ...t.config, publicUrl: 'https://permis.example.cat' } };
    expect(await integrateLog(moved)).toBe(3n);
    const note = (await t.db.query<{ note: string }>('select note from log_checkpoints where tree_size = 3'))[0]!.note;
    const vkey = await checkpointVerifierKey(t.deps.keys, 'permis.example.cat');
    expect(parseCheckpoint((await verifyNote(note, [vkey])).text)).toMatchObject({ origin: 'permis.example.cat', size: 3n });
    expect(await count(t.db, 'select count(*) as n from log_checkpoints')).toBe(2);
  });

  it('serves inclusion proofs by index and by event id', async () => {
    const ids = await insertEvents(t.db, t.clock, 6);
    await integrateLog(t.deps, { batch: 4 });
    const byIndex = await getJson(t.app, '/v1/log/proof/inclusion?index=5&treeSize=6');
    const byEvent = await getJson(t.app, `/v1/log/proof/inclusion?eventId=${ids[5]}&treeSize=6`);
    expect(byEvent).toEqual(byIndex);
    expect(byIndex).toMatchObject({ index: '5', treeSize: '6' });
  });
});
