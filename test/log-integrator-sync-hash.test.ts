/**
 * The integrator with an injected synchronous SHA-256 (the Node entry's `node:crypto`, how
 * `npm start` runs it) builds exactly the log the WebCrypto path builds: same leaf bytes and
 * pseudonyms, same nodes, and a log that verifies end to end — also when a batch is larger than
 * one pipelined leaf-assignment statement. On both engines.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildLeaf, buildLeafSync, type LeafEvent, leafHashOfEventSync, pseudonymMatches } from '../src/crypto/log-leaf.js';
import { EMPTY_TREE, extendTree, leafHash, leafHashSync, nodeHash, nodeHashSync } from '../src/crypto/merkle/index.js';
import { systemRandom } from '../src/domain/runtime.js';
import { nodeSha256 } from '../src/entry/node-sha256.js';
import { createApp } from '../src/entry/app.js';
import { integrateLog } from '../src/log/integrate-log.js';
import { ENGINE } from './support/database.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { expectLogVerifies, getJson, insertEvents, resetLog } from './support/log.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});
beforeEach(async () => {
  await resetLog(t.db);
});

const event = (over: Partial<LeafEvent> = {}): LeafEvent => ({
  id: '01900000-0000-7000-8000-000000000001',
  type: 'consent.checked',
  actorType: 'citizen',
  actorId: 'c-1',
  citizenId: '01900000-0000-7000-8000-0000000000aa',
  serviceId: null,
  consentId: null,
  requestId: 'req-1',
  data: { subjectRef: 'ref-1', nested: [{ citizenId: 'c-2' }, { subjectRef: { deep: ['x'] } }], purpose: 'p', n: 1 },
  createdAt: '2026-01-02T03:04:05.678901Z',
  salt: systemRandom.bytes(32),
  pseudonyms: null,
  ...over,
});

describe(`synchronous SHA-256 in the integrator on ${ENGINE}`, () => {
  it('hashes like WebCrypto: leaves, nodes, pseudonyms and trees', async () => {
    const data = new TextEncoder().encode('leaf');
    expect(leafHashSync(nodeSha256, data)).toEqual(await leafHash(data));
    const [a, b] = [systemRandom.bytes(32), systemRandom.bytes(32)];
    expect(nodeHashSync(nodeSha256, a, b)).toEqual(await nodeHash(a, b));

    const salted = event();
    const sync = buildLeafSync(salted, nodeSha256);
    expect(sync).toEqual(await buildLeaf(salted));
    expect(Object.keys(sync.pseudonyms).sort()).toEqual(['/actorId', '/citizenId', '/data/nested/0/citizenId', '/data/nested/1/subjectRef', '/data/subjectRef']);
    expect(await pseudonymMatches(salted.salt!, { deep: ['x'] }, sync.pseudonyms['/data/nested/1/subjectRef']!)).toBe(true);
    // Erased: no salt, the kept pseudonyms stand in, and the leaf is the same bytes.
    const erased = event({ salt: null, pseudonyms: sync.pseudonyms, actorId: null, citizenId: null, data: { subjectRef: null, nested: [{ citizenId: null }, { subjectRef: null }], purpose: 'p', n: 1 } });
    expect(buildLeafSync(erased, nodeSha256)).toEqual(sync);
    expect(() => buildLeafSync(event({ salt: null }), nodeSha256)).toThrow('neither a salt nor its pseudonym');
    // The integrator's hash-only path: the leaf hash of exactly those bytes, also for odd values.
    const odd = [
      salted,
      erased,
      event({ actorType: 'service', consentId: '01900000-0000-7000-8000-0000000000cc', data: {} }),
      event({ citizenId: null, data: { subjectRef: 'é "quoted" \\ \u0001 \u2028 😀', list: [1.5, -0, 1e21, null, true, 'x'], z: { a: [{ subjectRef: 7 }] } } }),
      event({ data: { subjectRef: { b: 1, a: [2, 'ä'] }, '€': 1, '😀': 2, a: undefined } }),
    ];
    for (const e of odd) expect(leafHashOfEventSync(e, nodeSha256)).toEqual(await leafHash((await buildLeaf(e)).data));

    const leaves = Array.from({ length: 37 }, () => systemRandom.bytes(32));
    const first = await extendTree(EMPTY_TREE, leaves.slice(0, 13));
    const firstSync = await extendTree(EMPTY_TREE, leaves.slice(0, 13), nodeSha256);
    expect(firstSync).toEqual(first);
    expect(await extendTree(firstSync.tree, leaves.slice(13), nodeSha256)).toEqual(await extendTree(first.tree, leaves.slice(13)));
  });

  it('integrates a batch larger than one assignment statement, and the log verifies', async () => {
    const ids = await insertEvents(t.db, t.clock, 2050, (i) => (i % 2 ? { citizenId: crypto.randomUUID(), data: { subjectRef: `ref-${i}`, n: i } } : {}));
    expect(await integrateLog(t.deps, { batch: 3000, sha256: nodeSha256 })).toBe(2050n);
    await insertEvents(t.db, t.clock, 9);
    expect(await integrateLog(t.deps, { batch: 4, sha256: nodeSha256 })).toBe(2059n);
    const rows = await t.db.query<{ id: string; leaf_index: bigint }>('select e.id, l.leaf_index from audit_events e join log_leaves l on l.seq = e.seq order by e.seq limit 2050');
    expect(rows.map((r) => [r.id, Number(r.leaf_index)])).toEqual(ids.map((id, i) => [id, i]));
    const [{ n }] = (await t.db.query<{ n: bigint }>('select count(distinct salt) as n from log_leaves')) as [{ n: bigint }];
    expect(Number(n)).toBe(2059);
    // Mixed runs: the WebCrypto path continues the same tree.
    await insertEvents(t.db, t.clock, 3);
    expect(await integrateLog(t.deps)).toBe(2062n);
    expect(await expectLogVerifies(t.app, t.db)).toBe(2062n);
  });

  it('serves the same proofs, leaves and refusals with the injected hash', async () => {
    await insertEvents(t.db, t.clock, 45, (i) => (i % 3 ? { citizenId: crypto.randomUUID(), data: { subjectRef: `ref-${i}`, n: i } } : {}));
    expect(await integrateLog(t.deps, { batch: 10 })).toBe(45n);
    const sync = createApp({ ...t.deps, sha256: nodeSha256 });
    expect(await expectLogVerifies(sync, t.db)).toBe(45n);
    const [{ id }] = (await t.db.query<{ id: string }>('select e.id from audit_events e join log_leaves l on l.seq = e.seq where l.leaf_index = 17')) as [{ id: string }];
    const paths = [
      '/v1/log/proof/inclusion?index=0&treeSize=1',
      '/v1/log/proof/inclusion?index=44&treeSize=45',
      '/v1/log/proof/inclusion?index=17&treeSize=30',
      '/v1/log/proof/inclusion?index=17',
      `/v1/log/proof/inclusion?eventId=${id}&treeSize=20`,
      '/v1/log/proof/consistency?from=7&to=45',
      '/v1/log/proof/consistency?from=45&to=45',
      '/v1/log/leaves?start=3&end=40',
    ];
    for (const path of paths) expect(await getJson(sync, path), path).toEqual(await getJson(t.app, path));
    for (const path of ['/v1/log/proof/inclusion?index=45&treeSize=45', '/v1/log/proof/inclusion?index=3&treeSize=46', '/v1/log/proof/consistency?from=3&to=46']) {
      const answer = async (res: Response) => ({ ...((await res.json()) as Record<string, unknown>), status: res.status, requestId: undefined });
      expect(await answer(await sync.request(path)), path).toEqual(await answer(await t.app.request(path)));
    }
  });
});
