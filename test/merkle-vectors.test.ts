/**
 * The proof verifier against the public RFC 6962 vectors of transparency-dev/merkle
 * (`../shared/vectors/rfc6962/`, see shared/reference/README.md): every happy path verifies
 * and every `wantErr` case is refused with a MerkleProofError.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MerkleProofError, verifyConsistency, verifyInclusion } from '../src/crypto/merkle/index.js';
import { rfc6962VectorsDir } from './support/vectors.js';

const VECTORS = rfc6962VectorsDir();

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? jsonFiles(p) : name.endsWith('.json') ? [p] : [];
  });
}

const b = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
const proofOf = (p: string[] | null): Uint8Array[] => (p ?? []).map(b);

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function load<T>(kind: 'inclusion' | 'consistency'): [string, T][] {
  return jsonFiles(join(VECTORS, kind))
    .sort()
    .map((f) => [relative(VECTORS, f), JSON.parse(readFileSync(f, 'utf8')) as T]);
}

async function outcome(run: () => Promise<void>): Promise<'ok' | string> {
  try {
    await run();
    return 'ok';
  } catch (err) {
    if (err instanceof MerkleProofError) return err.reason;
    throw err; // anything else is a bug, not a refusal
  }
}

describe('RFC 6962 vectors', () => {
  const inclusion = load<InclusionVector>('inclusion');
  const consistency = load<ConsistencyVector>('consistency');

  it('are all there', () => {
    expect(inclusion.length).toBe(98);
    expect(consistency.length).toBe(98);
    expect(inclusion.filter(([, v]) => !v.wantErr).length).toBeGreaterThanOrEqual(5);
    expect(consistency.filter(([, v]) => !v.wantErr).length).toBeGreaterThanOrEqual(5);
  });

  it.each(inclusion)('inclusion %s', async (_name, v) => {
    const got = await outcome(() => verifyInclusion(b(v.leafHash), BigInt(v.leafIdx), BigInt(v.treeSize), proofOf(v.proof), b(v.root)));
    if (v.wantErr) expect(got, v.desc).not.toBe('ok');
    else expect(got, v.desc).toBe('ok');
  });

  it.each(consistency)('consistency %s', async (_name, v) => {
    const got = await outcome(() => verifyConsistency(BigInt(v.size1), BigInt(v.size2), proofOf(v.proof), b(v.root1), b(v.root2)));
    if (v.wantErr) expect(got, v.desc).not.toBe('ok');
    else expect(got, v.desc).toBe('ok');
  });

  it('gives specific reasons', async () => {
    const h = new Uint8Array(32);
    await expect(verifyInclusion(h, 3n, 3n, [], h)).rejects.toMatchObject({ reason: 'index_out_of_range' });
    await expect(verifyInclusion(h, 0n, 2n, [new Uint8Array(31)], h)).rejects.toMatchObject({ reason: 'bad_hash_length' });
    await expect(verifyInclusion(h, 0n, 2n, [], h)).rejects.toMatchObject({ reason: 'proof_too_short' });
    await expect(verifyInclusion(h, 0n, 2n, [h, h], h)).rejects.toMatchObject({ reason: 'proof_too_long' });
    await expect(verifyInclusion(h, 0n, 1n, [], new Uint8Array(32).fill(1))).rejects.toMatchObject({ reason: 'root_mismatch' });
    await expect(verifyConsistency(2n, 1n, [], h, h)).rejects.toMatchObject({ reason: 'sizes_out_of_order' });
    await expect(verifyConsistency(0n, 0n, [], h, h)).rejects.toMatchObject({ reason: 'empty_tree' });
    await expect(verifyConsistency(1n, 1n, [h], h, h)).rejects.toMatchObject({ reason: 'proof_not_empty' });
    await expect(verifyConsistency(1n, 2n, [], h, h)).rejects.toMatchObject({ reason: 'proof_empty' });
  });
});
