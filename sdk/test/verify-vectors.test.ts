/**
 * The SDK's RFC 9162 verifiers against every public RFC 6962 vector of transparency-dev/merkle
 * (`../shared/vectors/rfc6962/`): happy paths verify, every `wantErr` case is refused with a
 * MerkleProofError; plus BigInt indices beyond 2^53.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leafHash, MerkleProofError, nodeHash, verifyConsistency, verifyInclusion } from '../src/verify/index.js';
import { rfc6962VectorsDir } from '../../test/support/vectors.js';

const VECTORS = rfc6962VectorsDir();

const jsonFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? jsonFiles(p) : name.endsWith('.json') ? [p] : [];
  });
const b = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const proofOf = (p: string[] | null) => (p ?? []).map(b);

function load<T>(kind: string): [string, T][] {
  return jsonFiles(join(VECTORS, kind))
    .sort()
    .map((f) => [relative(VECTORS, f), JSON.parse(readFileSync(f, 'utf8')) as T]);
}

async function outcome(run: () => Promise<void>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (err) {
    if (err instanceof MerkleProofError) return err.reason;
    throw err;
  }
}

interface Inclusion { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; desc: string; wantErr: boolean }
interface Consistency { size1: number; size2: number; root1: string; root2: string; proof: string[] | null; desc: string; wantErr: boolean }

describe('SDK verifiers: RFC 6962 vectors', () => {
  const inclusion = load<Inclusion>('inclusion');
  const consistency = load<Consistency>('consistency');

  it('are all there', () => {
    expect(inclusion.length).toBe(98);
    expect(consistency.length).toBe(98);
  });

  it.each(inclusion)('inclusion %s', async (_n, v) => {
    const got = await outcome(() => verifyInclusion(b(v.leafHash), BigInt(v.leafIdx), BigInt(v.treeSize), proofOf(v.proof), b(v.root)));
    if (v.wantErr) expect(got, v.desc).not.toBe('ok');
    else expect(got, v.desc).toBe('ok');
  });

  it.each(consistency)('consistency %s', async (_n, v) => {
    const got = await outcome(() => verifyConsistency(BigInt(v.size1), BigInt(v.size2), proofOf(v.proof), b(v.root1), b(v.root2)));
    if (v.wantErr) expect(got, v.desc).not.toBe('ok');
    else expect(got, v.desc).toBe('ok');
  });

  it('handles indices beyond 2^53 exactly', async () => {
    // The last leaf of a tree of 2^60 + 1 leaves: its path is the root of the first 2^60 leaves.
    const size = (1n << 60n) + 1n;
    const leaf = await leafHash(new TextEncoder().encode('last'));
    const left = new Uint8Array(32).fill(7);
    const root = await nodeHash(left, leaf);
    await verifyInclusion(leaf, size - 1n, size, [left], root);
    await expect(verifyInclusion(leaf, size - 2n, size, [left], root)).rejects.toBeInstanceOf(MerkleProofError);
  });
});
