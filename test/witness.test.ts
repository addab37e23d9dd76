/**
 * `permis witness` against c2sp.org/tlog-witness §add-checkpoint and c2sp.org/tlog-cosignature:
 * one test per MUST, over real HTTP to a listening witness on the run's database engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64, sha256, toHex } from '@permis/sdk/encoding';
import { cosignatureKeyId, parseCosignerKey, verifyCosignatures } from '../src/crypto/cosignature.js';
import { parseNote } from '../src/crypto/signed-note.js';
import { parsePolicy, verifyCheckpoint } from '@permis/sdk/verify';
import { createTestDatabase, ENGINE, type TestDatabase } from './support/database.js';
import { startWitness, submission, submit, testLog, type TestLog } from './support/witness.js';

let database: TestDatabase;
let log: TestLog;
let other: TestLog;
let w: Awaited<ReturnType<typeof startWitness>>;
const NAME = 'witness.test.example';

beforeAll(async () => {
  database = await createTestDatabase();
  log = await testLog('log.test.example');
  other = await testLog('other.test.example');
  w = await startWitness(database.db, NAME, [log, other]);
});
afterAll(async () => {
  await w?.close();
  await database?.drop();
});

/** A log of its own per test, so the witness's state of one does not leak into another. */
async function freshLog(): Promise<{ l: TestLog; witness: typeof w }> {
  const l = await testLog(`log-${Math.random().toString(36).slice(2)}.example`);
  const witness = await startWitness(database.db, NAME, [l], w.key);
  return { l, witness };
}

describe('add-checkpoint: success', () => {
  it('cosigns a first checkpoint (old 0) with one cosignature/v1 line of its key, timestamped now', async () => {
    const { l, witness } = await freshLog();
    const tree = await l.tree(5);
    const note = await tree.note();
    const before = Math.floor(Date.now() / 1000);
    const r = await submit(witness.url, submission(0n, [], note));
    expect(r.status).toBe(200);
    // "a sequence of one or more note signature lines, each starting with — and ending with a newline"
    expect(r.text).toMatch(/^(\u2014 \S+ \S+\n)+$/u);
    const [line] = r.text.split('\n');
    const bytes = Buffer.from(line!.split(' ')[2]!, 'base64');
    // Key id: SHA-256(name ‖ "\n" ‖ 0x04 ‖ key)[:4]; the u64 timestamp follows, never zero.
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from(await cosignatureKeyId(NAME, witness.key.publicKey)));
    const [cosig] = await verifyCosignatures(note + r.text, [witness.vkey]);
    expect(cosig!.timestamp).toBeGreaterThanOrEqual(BigInt(before));
    expect(cosig!.timestamp).toBeLessThanOrEqual(BigInt(Math.floor(Date.now() / 1000)));
    await witness.close();
  });

  it('extends with a valid consistency proof and ignores signatures of unknown keys', async () => {
    const { l, witness } = await freshLog();
    const tree = await l.tree(13);
    expect((await submit(witness.url, submission(0n, [], await tree.note(7n)))).status).toBe(200);
    const stranger = await testLog(l.origin); // same name, another key: an unknown key id
    const strangerLine = parseNote(await (await stranger.tree(1)).note()).signatures[0]!;
    const extra = `\u2014 ${strangerLine.name} ${b64(Buffer.concat([strangerLine.keyId, strangerLine.signature]))}\n`;
    const r = await submit(witness.url, submission(7n, await tree.proof(7n), (await tree.note()) + extra));
    expect(r.status).toBe(200);
    // Equal sizes with the same root are consistent: cosigned again.
    expect((await submit(witness.url, submission(13n, [], await tree.note()))).status).toBe(200);
    await witness.close();
  });
});

describe('add-checkpoint: refusals', () => {
  it('answers only POST', async () => {
    expect((await fetch(`${w.url}/add-checkpoint`)).status).toBe(404);
  });

  it('404 for an unknown origin', async () => {
    const stranger = await testLog('unknown.example');
    const r = await submit(w.url, submission(0n, [], await (await stranger.tree(2)).note()));
    expect(r.status).toBe(404);
    expect(JSON.parse(r.text).code).toBe('log_unknown');
  });

  it('403 without a signature of a trusted key, and when a trusted key’s signature fails', async () => {
    const impostor = await testLog(log.origin);
    expect((await submit(w.url, submission(0n, [], await (await impostor.tree(2)).note()))).status).toBe(403);
    const note = await (await log.tree(2)).note();
    const broken = note.replace(/ (\S+)\n$/u, (_m, sig: string) => {
      const b = Buffer.from(sig, 'base64');
      b[10]! ^= 1;
      return ` ${b.toString('base64')}\n`;
    });
    const r = await submit(w.url, submission(0n, [], broken));
    expect(r.status).toBe(403);
    expect(JSON.parse(r.text).code).toBe('checkpoint_signature_invalid');
  });

  it('400 for malformed bodies: old line, missing empty line, proof lines, more than 63 of them, old above size', async () => {
    const tree = await log.tree(4);
    const note = await tree.note();
    const h = b64(new Uint8Array(32));
    const bodies = [
      `old 00\n\n${note}`,
      `old -1\n\n${note}`,
      `old 0 \n\n${note}`,
      `new 0\n\n${note}`,
      `old 0\n${note}`,
      `old 0\nnot-base64!\n\n${note}`,
      `old 0\n${b64(new Uint8Array(31))}\n\n${note}`,
      `old 2\n${`${h}\n`.repeat(64)}\n${note}`,
      `old 0\n\nnot a checkpoint\n`,
      `old 5\n\n${note}`, // "The old size MUST be equal to or lower than the checkpoint size"
    ];
    for (const body of bodies) {
      const r = await submit(w.url, body);
      expect(r.status, body.slice(0, 20)).toBe(400);
    }
  });

  it('accepts 63 proof lines as a format (then judges the proof)', async () => {
    const tree = await log.tree(4);
    const h = b64(new Uint8Array(32));
    const r = await submit(w.url, `old 2\n${`${h}\n`.repeat(63)}\n${await tree.note()}`);
    expect([409, 422]).toContain(r.status);
  });

  it('409 with the latest cosigned size as text/x.tlog.size when the old size does not match', async () => {
    const { l, witness } = await freshLog();
    const tree = await l.tree(9);
    // Never cosigned: the size is 0.
    let r = await submit(witness.url, submission(3n, await tree.proof(3n), await tree.note()));
    expect([r.status, r.type, r.text]).toEqual([409, 'text/x.tlog.size', '0\n']);
    expect((await submit(witness.url, submission(0n, [], await tree.note(6n)))).status).toBe(200);
    r = await submit(witness.url, submission(0n, [], await tree.note()));
    expect([r.status, r.type, r.text]).toEqual([409, 'text/x.tlog.size', '6\n']);
    // The client learns the size from the 409 and succeeds.
    expect((await submit(witness.url, submission(6n, await tree.proof(6n), await tree.note()))).status).toBe(200);
    await witness.close();
  });

  it('422: size 0 with a non-empty root, old size 0 with a proof, a proof that does not verify', async () => {
    const { l, witness } = await freshLog();
    const tree = await l.tree(8);
    const { signCheckpoint } = await import('../src/crypto/checkpoint.js');
    const zero = await signCheckpoint({ origin: l.origin, size: 0n, root: new Uint8Array(32).fill(7) }, l.signer);
    expect((await submit(witness.url, submission(0n, [], zero))).status).toBe(422);
    expect((await submit(witness.url, submission(0n, await tree.proof(4n), await tree.note()))).status).toBe(422);
    expect((await submit(witness.url, submission(0n, [], await tree.note(4n)))).status).toBe(200);
    const proof = await tree.proof(4n);
    proof[0] = new Uint8Array(32).fill(1);
    const r = await submit(witness.url, submission(4n, proof, await tree.note()));
    expect(r.status).toBe(422);
    expect(JSON.parse(r.text).code).toBe('checkpoint_inconsistent');
    await witness.close();
  });

  it('refuses a forked checkpoint: same size, another root, validly signed by the log', async () => {
    const { l, witness } = await freshLog();
    const honest = await l.tree(10);
    const fork = await l.tree(10, 'forged');
    expect((await submit(witness.url, submission(0n, [], await honest.note()))).status).toBe(200);
    // Equal sizes, different roots: 422.
    expect((await submit(witness.url, submission(10n, [], await fork.note()))).status).toBe(422);
    // Pretending to start over: 409.
    expect((await submit(witness.url, submission(0n, [], await fork.note()))).status).toBe(409);
    // A larger fork extending the forged history: its proof from the recorded root fails.
    const bigFork = await l.tree(12, 'forged');
    expect((await submit(witness.url, submission(10n, await bigFork.proof(10n), await bigFork.note()))).status).toBe(422);
    await witness.close();
  });

  it('refuses a rollback to a smaller tree', async () => {
    const { l, witness } = await freshLog();
    const tree = await l.tree(10);
    expect((await submit(witness.url, submission(0n, [], await tree.note()))).status).toBe(200);
    expect((await submit(witness.url, submission(10n, [], await tree.note(6n)))).status).toBe(400);
    expect((await submit(witness.url, submission(6n, [], await tree.note(6n)))).status).toBe(409);
    await witness.close();
  });
});

describe('state, monitoring and key', () => {
  it('keeps its state across restarts and serves the latest cosigned checkpoint per log', async () => {
    const { l, witness } = await freshLog();
    const tree = await l.tree(6);
    const path = `/${toHex(await sha256(l.origin))}/checkpoint`;
    expect((await fetch(`${witness.url}${path}`)).status).toBe(404);
    expect((await submit(witness.url, submission(0n, [], await tree.note(3n)))).status).toBe(200);
    await witness.close();
    const again = await startWitness(database.db, NAME, [l], w.key);
    const r = await submit(again.url, submission(0n, [], await tree.note()));
    expect([r.status, r.text]).toEqual([409, '3\n']);
    const served = await (await fetch(`${again.url}${path}`)).text();
    // The log's signature the witness verified and its own cosignature, a quorum of one.
    const policy = await parsePolicy(`log ${l.vkey}\nwitness W ${again.vkey}\nquorum W\n`);
    expect((await verifyCheckpoint(served, policy)).size).toBe(3n);
    await again.close();
  });

  it('publishes its key as a cosigner vkey and lists what it witnesses', async () => {
    const vkey = (await (await fetch(`${w.url}/key`)).text()).trim();
    expect((await parseCosignerKey(vkey)).name).toBe(NAME);
    const index = (await (await fetch(`${w.url}/`)).json()) as { name: string; logs: { origin: string }[] };
    expect(index.name).toBe(NAME);
    expect(index.logs.map((x) => x.origin)).toEqual([log.origin, other.origin]);
  });

  it(`lets one of many concurrent submissions for one origin win (${ENGINE})`, async () => {
    const { l, witness } = await freshLog();
    const tree = await l.tree(40);
    expect((await submit(witness.url, submission(0n, [], await tree.note(10n)))).status).toBe(200);
    // Every request is valid on its own: from 10 to 11…30 leaves.
    const sizes = Array.from({ length: 20 }, (_, i) => BigInt(11 + i));
    const bodies = await Promise.all(sizes.map(async (s) => submission(10n, await tree.proof(10n, s), await tree.note(s))));
    const results = await Promise.all(bodies.map((b) => submit(witness.url, b)));
    const won = results.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    const winner = sizes[results.indexOf(won[0]!)]!;
    for (const r of results) if (r.status !== 200) expect([r.status, r.text]).toEqual([409, `${winner}\n`]);
    await witness.close();
  });
});
