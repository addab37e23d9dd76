/**
 * `permis log verify` against the app (in-process fetch): a healthy log verifies and stays
 * consistent across runs; each kind of tampering with the database — changing an event,
 * deleting a leaf, swapping two, truncating the tree, re-signing a forked tree — is detected.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkpointSigner, logOriginOf, signCheckpoint } from '../src/crypto/checkpoint.js';
import { rootFromLeaves } from '../src/crypto/merkle/index.js';
import { formatVerifierKey } from '../src/crypto/signed-note.js';
import { toHex } from '@permis/sdk/encoding';
import { runLogCommand } from '../src/entry/cli/log.js';
import { integrateLog } from '../src/log/integrate-log.js';
import { ENGINE } from './support/database.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { appFetch, insertEvents, readLog, resetLog, SET_NODE_SQL, truncateNodes } from './support/log.js';

let t: TestContext;
let files: Map<string, string>;

beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});
beforeEach(async () => {
  await resetLog(t.db);
  files = new Map();
});

const URL_ = 'http://localhost:8787';

/** Runs `permis log verify …` against the app; returns the exit code and everything printed. */
async function verify(...args: string[]) {
  const lines: string[] = [];
  const code = await runLogCommand(['log', 'verify', '--url', URL_, '--state', 'state.json', ...args], {
    fetch: appFetch(t.app),
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    readFile: async (p) => files.get(p),
    writeFile: async (p, text) => void files.set(p, text),
    defaultStatePath: 'unused.json',
  });
  return { code, output: lines.join('\n') };
}

/** A log of `n` events, integrated in batches of 4, verified once so its checkpoint is saved. */
async function verifiedLog(n: number) {
  await insertEvents(t.db, t.clock, n);
  await integrateLog(t.deps, { batch: 4 });
  const first = await verify();
  expect(first.code, first.output).toBe(0);
  expect(first.output).toContain('pinned the log');
  return first;
}

async function growLog(n: number) {
  await insertEvents(t.db, t.clock, n);
  await integrateLog(t.deps, { batch: 4 });
}

describe(`permis log verify (${ENGINE})`, () => {
  it('verifies a healthy log, pins its key and checkpoint, and checks consistency on the next run', async () => {
    await verifiedLog(10);
    const state = JSON.parse(files.get('state.json')!) as { verifierKey: string; checkpoint: string; url: string };
    expect(state.url).toBe(URL_);
    expect(state.checkpoint).toMatch(/^localhost:8787\n10\n/);
    await growLog(7);
    const second = await verify('--batch', '4');
    expect(second.code, second.output).toBe(0);
    expect(second.output).toContain('consistent with the saved checkpoint of 10 leaves');
    expect(second.output).toContain('verifying leaves: 4/17 (23%)'); // progress on a log of several pages
    expect(second.output).toContain('verifying leaves: 17/17 (100%)');
    expect(JSON.parse(files.get('state.json')!).checkpoint).toMatch(/\n17\n/);
    // The empty log verifies too.
    await resetLog(t.db);
    files.clear();
    await integrateLog(t.deps);
    expect((await verify()).code).toBe(0);
  });

  it('detects a changed event', async () => {
    await verifiedLog(9);
    await t.db.query(`update audit_events set data = jsonb_set(data, '{decision}', '"permit"') where seq = (select seq from log_leaves where leaf_index = 3)`);
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/FAILED: the leaves hash to root .* not the checkpoint's .*: the log was altered/);
    // A fresh verifier (no saved state) is not fooled either.
    files.clear();
    expect((await verify()).code).toBe(1);
  });

  it('detects a flipped bit in one stored tile, which the leaves alone do not show', async () => {
    await verifiedLog(9);
    // Leaf 0's stored hash, one bit flipped: the leaves and the root still match the checkpoint.
    const rows = await t.db.query<{ h: Uint8Array }>('select substring(hashes from 1 for 32) as h from log_tiles where grp = 0 and idx = 0');
    const flipped = Uint8Array.from(rows[0]!.h);
    flipped[0]! ^= 1;
    await t.db.query(SET_NODE_SQL, [0, 0, flipped]);
    const r = await verify();
    expect(r.code, r.output).toBe(1);
    expect(r.output).toMatch(/FAILED: the server's inclusion proof for leaf 0 names leaf hash .*: its stored tree is damaged/);
    const all = await verify('--all-proofs');
    expect(all.code).toBe(1);
  });

  it('detects a deleted leaf', async () => {
    await verifiedLog(9);
    await t.db.query('delete from audit_events where seq = (select seq from log_leaves where leaf_index = 5)');
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.output).toContain('FAILED: leaf 5 is missing from the log');
  });

  it('detects two swapped leaves', async () => {
    await verifiedLog(9);
    await t.db.transaction(async (tx) => {
      await tx.query('update log_leaves set leaf_index = 1000001 where leaf_index = 2');
      await tx.query('update log_leaves set leaf_index = 2 where leaf_index = 6');
      await tx.query('update log_leaves set leaf_index = 6 where leaf_index = 1000001');
    });
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.output).toContain('the log was altered');
  });

  it('detects a truncated tree', async () => {
    await verifiedLog(6);
    await growLog(6);
    expect((await verify()).code).toBe(0); // the saved checkpoint is now at 12
    // Cut the log back to its checkpoint at 6 leaves: later events, nodes and checkpoints gone.
    await t.db.query('delete from audit_events where seq in (select seq from log_leaves where leaf_index >= 6)');
    await t.db.query('delete from log_leaves where leaf_index >= 6');
    await t.db.query('delete from log_checkpoints where tree_size > 6');
    await truncateNodes(t.db, 6);
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.output).toContain('FAILED: the log shrank from 12 to 6 leaves');
  });

  it('detects a forked tree re-signed with the log key', async () => {
    await verifiedLog(8);
    // Rewrite history (an event at leaf 1), append, and sign a checkpoint over the forked leaves.
    await t.db.query(`update audit_events set data = jsonb_set(data, '{decision}', '"deny"') where seq = (select seq from log_leaves where leaf_index = 1)`);
    await growLog(5);
    const { leaves } = await readLog(t.app).catch(() => ({ leaves: [] as Uint8Array[] }));
    expect(leaves.length).toBe(13);
    const root = await rootFromLeaves(leaves);
    const origin = logOriginOf(t.config.publicUrl);
    const note = await signCheckpoint({ origin, size: 13n, root }, await checkpointSigner(t.deps.keys, origin));
    await t.db.query(`update log_checkpoints set note = $1, root = decode($2, 'hex') where tree_size = 13`, [note, toHex(root)]);
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.output).toContain('FAILED: the first 8 leaves no longer hash to the saved checkpoint');
    expect(r.output).toContain('forked or rewritten');
    // Its signature is valid and its leaves hash to its root; a fresh verifier still catches it,
    // because the proofs the server serves from its stored tree do not lead to the forged root.
    files.clear();
    const fresh = await verify();
    expect(fresh.code).toBe(1);
    expect(fresh.output).toContain("does not verify against the checkpoint");
  });

  it('refuses a checkpoint that the pinned key did not sign', async () => {
    await insertEvents(t.db, t.clock, 3);
    await integrateLog(t.deps);
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign'])) as CryptoKeyPair;
    const pub = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    const wrongKey = await formatVerifierKey(logOriginOf(t.config.publicUrl), pub);
    const r = await verify('--key', wrongKey);
    expect(r.code).toBe(1);
    expect(r.output).toContain('FAILED: the checkpoint does not verify');
    expect(files.has('state.json')).toBe(false);
  });

  it('reports usage errors with exit code 2', async () => {
    const quiet = { fetch: appFetch(t.app), out: () => {}, readFile: async () => undefined, writeFile: async () => {}, defaultStatePath: 's' };
    expect(await runLogCommand(['log', 'verify', '--bogus'], quiet)).toBe(2);
    expect(await runLogCommand(['log'], quiet)).toBe(2);
    expect(await runLogCommand(['log', 'frobnicate'], quiet)).toBe(2);
    expect((await verify('--batch', '0')).code).toBe(2);
    expect((await verify('--key', 'not-a-key')).code).toBe(2);
  });
});
