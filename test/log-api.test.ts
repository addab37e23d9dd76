/**
 * The proof API over a real stored log: every inclusion proof (by index and by event id) and
 * every consistency proof between checkpoints that the API produces for a randomly batched
 * log verifies with the RFC 9162 verifier against the published, signed checkpoints; answers
 * have the documented types, cache headers and error codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCheckpoint } from '../src/crypto/checkpoint.js';
import { leafHash, verifyConsistency, verifyInclusion } from '../src/crypto/merkle/index.js';
import { verifyNote } from '../src/crypto/signed-note.js';
import { integrateLog } from '../src/log/integrate-log.js';
import { ENGINE } from './support/database.js';
import { expectProblem } from './support/expect-problem.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { getJson, insertEvents, readLog, resetLog } from './support/log.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

/** Mulberry32, seeded. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

describe(`log API (${ENGINE})`, () => {
  it('answers 503 not_ready before the first checkpoint, then serves the empty tree', async () => {
    await resetLog(t.db);
    await expectProblem(await t.app.request('/v1/log/checkpoint'), 503, 'not_ready');
    await integrateLog(t.deps);
    const res = await t.app.request('/v1/log/checkpoint');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toMatch(/^localhost:8787\n0\n47DEQpj8HBSa\+\/TImW\+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n— localhost:8787 /);
    const key = await t.app.request('/v1/log/key');
    expect(key.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await key.text()).toMatch(/^localhost:8787\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}\n$/);
  });

  it('every proof it gives for a randomly batched log verifies against the signed checkpoints', async () => {
    await resetLog(t.db);
    const rand = prng(0x10a);
    const ids: string[] = [];
    while (ids.length < 45) {
      ids.push(...(await insertEvents(t.db, t.clock, 1 + Math.floor(rand() * 9), () => ({ data: { r: rand() } }))));
      await integrateLog(t.deps, { batch: 1 + Math.floor(rand() * 6) });
    }
    const log = await readLog(t.app);
    const n = Number(log.checkpoint.size);
    expect(n).toBe(ids.length);
    const hashes = await Promise.all(log.leaves.map((d) => leafHash(d)));
    const notes = await t.db.query<{ note: string }>('select note from log_checkpoints order by tree_size');
    const checkpoints = await Promise.all(notes.map(async (r) => parseCheckpoint((await verifyNote(r.note, [log.vkey])).text)));
    expect(checkpoints.length).toBeGreaterThan(8);
    for (const cp of checkpoints.filter((c) => c.size > 0n)) {
      for (let i = 0; i < Number(cp.size); i++) {
        const res = await t.app.request(`/v1/log/proof/inclusion?index=${i}&treeSize=${cp.size}`);
        expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        const body = (await res.json()) as { index: string; treeSize: string; leafHash: string; proof: string[] };
        expect(body.leafHash).toBe(Buffer.from(hashes[i]!).toString('base64'));
        await verifyInclusion(hashes[i]!, BigInt(i), cp.size, body.proof.map(b64), cp.root);
      }
      for (const from of checkpoints.filter((c) => c.size > 0n && c.size <= cp.size)) {
        const body = await getJson<{ proof: string[] }>(t.app, `/v1/log/proof/consistency?from=${from.size}&to=${cp.size}`);
        await verifyConsistency(from.size, cp.size, body.proof.map(b64), from.root, cp.root);
      }
    }
    // By event id, against the latest checkpoint by default (not cacheable then).
    for (const [i, id] of ids.entries()) {
      const res = await t.app.request(`/v1/log/proof/inclusion?eventId=${id}`);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const body = (await res.json()) as { index: string; treeSize: string; proof: string[] };
      expect(body).toMatchObject({ index: String(i), treeSize: String(n) });
      await verifyInclusion(hashes[i]!, BigInt(i), BigInt(n), body.proof.map(b64), log.checkpoint.root);
    }
  });

  it('refuses bad and out-of-range requests with stable codes', async () => {
    const size = (await readLog(t.app)).checkpoint.size;
    const beyond = size + 1n;
    await expectProblem(await t.app.request(`/v1/log/proof/inclusion?index=0&treeSize=${beyond}`), 400, 'beyond_tree_size');
    await expectProblem(await t.app.request(`/v1/log/proof/consistency?from=1&to=${beyond}`), 400, 'beyond_tree_size');
    await expectProblem(await t.app.request(`/v1/log/leaves?start=0&end=${beyond}`), 400, 'beyond_tree_size');
    for (const q of [
      `/v1/log/proof/inclusion?index=${size}&treeSize=${size}`,
      '/v1/log/proof/inclusion?treeSize=1',
      '/v1/log/proof/inclusion?index=0&eventId=01938f2e-8a4b-7c3d-9e5f-0a1b2c3d4e5f',
      '/v1/log/proof/inclusion?index=-1',
      '/v1/log/proof/inclusion?index=01',
      '/v1/log/proof/inclusion?index=99999999999999999999',
      '/v1/log/proof/inclusion?index=1&extra=1',
      '/v1/log/proof/consistency?from=0&to=1',
      '/v1/log/proof/consistency?from=3&to=2',
      '/v1/log/proof/consistency?from=1',
      '/v1/log/leaves?start=5&end=5',
      '/v1/log/leaves?start=0&end=1001',
      '/v1/log/leaves?start=x&end=1',
    ]) {
      await expectProblem(await t.app.request(q), 400, 'validation_failed');
    }
    await expectProblem(await t.app.request('/v1/log/proof/inclusion?eventId=01938f2e-8a4b-7c3d-9e5f-0a1b2c3d4e5f'), 404, 'not_found');
    const [pending] = await insertEvents(t.db, t.clock, 1);
    await expectProblem(await t.app.request(`/v1/log/proof/inclusion?eventId=${pending}`), 409, 'not_yet_integrated');
    await integrateLog(t.deps);
    expect((await t.app.request(`/v1/log/proof/inclusion?eventId=${pending}`)).status).toBe(200);
    // Equal sizes: an empty consistency proof.
    expect(await getJson(t.app, '/v1/log/proof/consistency?from=3&to=3')).toEqual({ from: '3', to: '3', proof: [] });
  });
});
