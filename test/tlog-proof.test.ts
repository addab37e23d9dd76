/**
 * Proofs a citizen can keep (c2sp.org/tlog-proof@v1): a proof with a witnessed checkpoint
 * verifies offline against a tlog-policy, with the SDK and with `permis-verify proof`, and fails
 * after any byte of it is changed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatTlogProof, parsePolicy, parseTlogProof, verifyTlogProof } from '@permis/sdk/verify';
import { cosignatureLine, ed25519Cosigner, formatCosignerKey } from '../src/crypto/cosignature.js';
import { EMPTY_TREE, extendTree, inclusionProof, leafHash, memoryNodeReader, rootAt } from '../src/crypto/merkle/index.js';
import { signCheckpoint } from '../src/crypto/checkpoint.js';
import { freshKey, testLog } from './support/witness.js';

const run = promisify(execFile);

async function fixture() {
  const log = await testLog('city.example');
  const leaves = Array.from({ length: 11 }, (_, i) => new TextEncoder().encode(`{"event":${i}}`));
  const { nodes } = await extendTree(EMPTY_TREE, await Promise.all(leaves.map((l) => leafHash(l))));
  const read = memoryNodeReader(nodes);
  const note = await signCheckpoint({ origin: log.origin, size: 11n, root: await rootAt(11n, read) }, log.signer);
  const text = note.slice(0, note.indexOf('\n\n') + 1);
  const cosigners = await Promise.all(['a.example', 'b.example', 'c.example'].map(async (n) => {
    const k = await freshKey();
    return ed25519Cosigner(n, k.privateKey, k.publicKey);
  }));
  const cosigned = note + (await cosignatureLine(text, cosigners[0]!, 1_800_000_000n)) + (await cosignatureLine(text, cosigners[1]!, 1_800_000_001n));
  const policyText = `log ${log.vkey}\n${cosigners.map((c, i) => `witness W${i} ${formatCosignerKey(c)}`).join('\n')}\ngroup q 2 W0 W1 W2\nquorum q\n`;
  const proof = formatTlogProof({ extra: leaves[6]!, index: 6n, proof: await inclusionProof(6n, 11n, read), checkpoint: cosigned });
  const weak = formatTlogProof({ extra: leaves[6]!, index: 6n, proof: await inclusionProof(6n, 11n, read), checkpoint: note + (await cosignatureLine(text, cosigners[2]!, 1_800_000_002n)) });
  return { proof, weak, policyText, policy: await parsePolicy(policyText) };
}

describe('tlog-proof', () => {
  it('round-trips the format and verifies against the policy', async () => {
    const f = await fixture();
    expect(f.proof.startsWith('c2sp.org/tlog-proof@v1\nextra ')).toBe(true);
    expect(formatTlogProof(parseTlogProof(f.proof))).toBe(f.proof);
    const r = await verifyTlogProof(f.proof, f.policy);
    expect([r.index, r.checkpoint.size, r.checkpoint.cosignatures.map((c) => c.witness)]).toEqual([6n, 11n, ['W0', 'W1']]);
    await expect(verifyTlogProof(f.weak, f.policy)).rejects.toMatchObject({ reason: 'quorum_not_met' });
  });

  it('fails after any byte is changed', async () => {
    const f = await fixture();
    const bytes = Buffer.from(f.proof, 'utf8');
    let accepted = 0;
    for (let i = 0; i < bytes.length; i++) {
      const changed = Buffer.from(bytes);
      changed[i] = changed[i] === 0x41 ? 0x42 : 0x41; // another printable byte
      try {
        await verifyTlogProof(changed.toString('utf8'), f.policy);
        accepted++;
      } catch {
        // refused, as it must be
      }
    }
    expect(accepted).toBe(0);
  });

  it('permis-verify proof accepts it offline and refuses a changed copy', async () => {
    const f = await fixture();
    const dir = mkdtempSync(join(tmpdir(), 'tlog-proof-'));
    writeFileSync(join(dir, 'policy.txt'), f.policyText);
    writeFileSync(join(dir, 'entry.tlog-proof'), f.proof);
    writeFileSync(join(dir, 'changed.tlog-proof'), f.proof.replace('index 6', 'index 5'));
    const cli = ['tsx', 'sdk/src/cli/permis-verify.ts', 'proof'];
    const ok = await run('npx', [...cli, join(dir, 'entry.tlog-proof'), '--policy', join(dir, 'policy.txt')]);
    expect(ok.stdout).toMatch(/valid tlog-proof: leaf 6 is in city\.example's tree of 11 leaves/);
    const bad = await run('npx', [...cli, join(dir, 'changed.tlog-proof'), '--policy', join(dir, 'policy.txt')]).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(1);
    expect((bad as { stderr: string }).stderr).toMatch(/INVALID/);
  }, 60_000);
});
