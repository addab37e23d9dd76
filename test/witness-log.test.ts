/**
 * The log with three witnesses over real HTTP — one honest (`permis witness`), one down, one
 * lying (it cosigns anything) — and a policy of 2 of 3: the served checkpoints carry every
 * cosignature obtained, the down witness delays nothing and catches up when it comes back, the
 * log learns a witness's size from its 409, and a client enforcing the quorum cannot be shown a
 * fork: a split view presented to two clients is caught by the quorum rule.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy, type Policy, verifyCheckpoint } from '@permis/sdk/verify';
import { checkpointSigner, signCheckpoint } from '../src/crypto/checkpoint.js';
import { cosignatureLine, ed25519Cosigner, formatCosignerKey } from '../src/crypto/cosignature.js';
import { integrateLog } from '../src/log/integrate-log.js';
import { logOrigin } from '../src/log/log-origin.js';
import { submitToWitnesses } from '../src/log/witness-submission.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { insertEvents } from './support/log.js';
import { freePort, freshKey, startWitness, submission, submit } from './support/witness.js';

let t: TestContext;
let honestDb: TestDatabase;
let backDb: TestDatabase;
let honest: Awaited<ReturnType<typeof startWitness>>;
let liar: { url: string; vkey: string; close(): Promise<void> };
let downPort: number;
let downKey: Awaited<ReturnType<typeof freshKey>>;
let back: Awaited<ReturnType<typeof startWitness>> | undefined;
let policy: Policy;
let logVkey: string;

const text = async (path: string) => {
  const r = await t.app.request(path);
  return { status: r.status, body: await r.text() };
};
const round = () => submitToWitnesses(t.deps, { fetch: (u, i) => fetch(u, i), timeoutMs: 2000 });
const outcome = (r: Awaited<ReturnType<typeof round>>) => Object.fromEntries(r!.outcomes.map((o) => [o.witness, o.outcome]));

/** A witness that cosigns whatever it is sent, checking nothing: a real server, behaving badly. */
async function lyingWitness() {
  const k = await freshKey();
  const cosigner = await ed25519Cosigner('liar.example', k.privateKey, k.publicKey);
  const app = new Hono();
  app.post('/add-checkpoint', async (c) => {
    const body = await c.req.text();
    const note = body.slice(body.indexOf('\n\n') + 2);
    return c.text(await cosignatureLine(note.slice(0, note.indexOf('\n\n') + 1), cosigner, BigInt(Math.floor(Date.now() / 1000))));
  });
  const port = await freePort();
  const server = await new Promise<ReturnType<typeof serve>>((done) => {
    const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => done(s));
  });
  return { url: `http://127.0.0.1:${port}`, vkey: formatCosignerKey(cosigner), close: () => new Promise<void>((r) => server.close(() => r())) };
}

beforeAll(async () => {
  t = await createTestContext();
  await insertEvents(t.db, t.clock, 5);
  await integrateLog(t.deps);
  logVkey = (await text('/v1/log/key')).body.trim();
  const origin = await logOrigin(t.deps);
  const fakeLog = { origin, vkey: logVkey, signer: undefined as never, tree: undefined as never };
  honestDb = await createTestDatabase();
  honest = await startWitness(honestDb.db, 'honest.example', [fakeLog]);
  liar = await lyingWitness();
  downPort = await freePort();
  downKey = await freshKey();
  const downVkey = formatCosignerKey(await ed25519Cosigner('down.example', downKey.privateKey, downKey.publicKey));
  policy = await parsePolicy(
    [
      `log ${logVkey}`,
      `witness Honest ${honest.vkey} ${honest.url}`,
      `witness Down ${downVkey} http://127.0.0.1:${downPort}`,
      `witness Liar ${liar.vkey} ${liar.url}`,
      'group two-of-three 2 Honest Down Liar',
      'quorum two-of-three',
    ].join('\n'),
  );
  t.config.witnesses = policy;
}, 120_000);
afterAll(async () => {
  await Promise.all([honest?.close(), liar?.close(), back?.close()]);
  await Promise.all([honestDb?.drop(), backDb?.drop(), t?.close()]);
});

describe('a log with three witnesses, quorum 2 of 3', () => {
  it('gets cosignatures from the live witnesses; the down one fails alone and backs off', async () => {
    expect((await text('/v1/log/checkpoint/witnessed')).status).toBe(404);
    const r = await round();
    expect(r!.treeSize).toBe(5n);
    expect(outcome(r)).toEqual({ Honest: 'cosigned', Down: 'failed', Liar: 'cosigned' });
    const served = (await text('/v1/log/checkpoint')).body;
    const v = await verifyCheckpoint(served, policy);
    expect(v.cosignatures.map((c) => c.witness).sort()).toEqual(['Honest', 'Liar']);
    expect((await text('/v1/log/checkpoint/witnessed')).body).toBe(served);
    // The next round does not hammer the down witness.
    expect(outcome(await round())).toEqual({ Honest: 'already', Down: 'backoff', Liar: 'already' });
    // Integration never waited for any of this.
    await insertEvents(t.db, t.clock, 3);
    expect(await integrateLog(t.deps)).toBe(8n);
    const ready = (await (await t.app.request('/readyz')).json()) as { witnesses: { name: string; lag: string; failures: number }[] };
    expect(ready.witnesses.find((w) => w.name === 'Down')).toMatchObject({ lag: '8', failures: 1 });
    expect(ready.witnesses.find((w) => w.name === 'Honest')).toMatchObject({ lag: '3', failures: 0 });
  });

  it('serves the previous witnessed checkpoint until the new one meets the quorum', async () => {
    expect(await verifyCheckpoint((await text('/v1/log/checkpoint/witnessed')).body, policy)).toMatchObject({ size: 5n });
    await expect(verifyCheckpoint((await text('/v1/log/checkpoint')).body, policy)).rejects.toMatchObject({ reason: 'quorum_not_met' });
    expect(outcome(await round())).toMatchObject({ Honest: 'cosigned', Liar: 'cosigned' });
    expect(await verifyCheckpoint((await text('/v1/log/checkpoint/witnessed')).body, policy)).toMatchObject({ size: 8n });
  });

  it('refuses a forked checkpoint for a client: only the lying witness cosigns it', async () => {
    const signer = await checkpointSigner(t.deps.keys, await logOrigin(t.deps));
    const fork = await signCheckpoint({ origin: signer.name, size: 8n, root: new Uint8Array(32).fill(9) }, signer);
    // The operator presents the fork to every witness itself.
    expect((await submit(honest.url, submission(8n, [], fork))).status).toBe(422);
    const liarLine = (await submit(liar.url, submission(8n, [], fork))).text;
    const forkWithCosigs = fork + liarLine;
    // Client B, shown the fork, refuses it under the quorum rule; client A accepts the real view.
    await expect(verifyCheckpoint(forkWithCosigs, policy)).rejects.toMatchObject({ reason: 'quorum_not_met' });
    const a = await verifyCheckpoint((await text('/v1/log/checkpoint/witnessed')).body, policy);
    expect(a.size).toBe(8n);
    // With the log's key alone, both views would have verified: the split view is caught only by the quorum.
    expect((await verifyCheckpoint(forkWithCosigs, [logVkey])).size).toBe(8n);
  });

  it('the down witness comes back and catches up; a log that forgot a witness’s size learns it from the 409', async () => {
    backDb = await createTestDatabase();
    const origin = await logOrigin(t.deps);
    back = await (async () => {
      const { ed25519Cosigner: mk } = await import('../src/crypto/cosignature.js');
      const cosigner = await mk('down.example', downKey.privateKey, downKey.publicKey);
      const { serveWitness } = await import('../src/entry/witness.js');
      const { parseVerifierKey } = await import('../src/crypto/signed-note.js');
      const w = await serveWitness({ db: backDb.db, cosigner, logs: new Map([[origin, [await parseVerifierKey(logVkey)]]]), port: downPort });
      return { ...w, key: downKey, cosigner };
    })();
    t.clock.advance(60_000); // past its backoff
    expect(outcome(await round())).toEqual({ Honest: 'already', Down: 'cosigned', Liar: 'already' });
    const v = await verifyCheckpoint((await text('/v1/log/checkpoint')).body, policy);
    expect(v.cosignatures.map((c) => c.witness).sort()).toEqual(['Down', 'Honest', 'Liar']);
    // The log loses what it knew of the honest witness (say, a restore from backup)…
    await t.db.query('delete from log_witness_state');
    await insertEvents(t.db, t.clock, 4);
    await integrateLog(t.deps);
    // …submits from 0, gets 409 "8", and submits again with a proof from 8.
    expect(outcome(await round())).toEqual({ Honest: 'cosigned', Down: 'cosigned', Liar: 'cosigned' });
    const ready = (await (await t.app.request('/readyz')).json()) as { witnesses: { name: string; lag: string; treeSize: string }[] };
    expect(ready.witnesses.map((w) => [w.name, w.treeSize, w.lag])).toEqual([
      ['Honest', '12', '0'],
      ['Down', '12', '0'],
      ['Liar', '12', '0'],
    ]);
  });
});
