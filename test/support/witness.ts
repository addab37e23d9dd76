/**
 * Test logs for witness tests: a signing key, trees of chosen leaves, signed checkpoints and
 * RFC 6962 consistency proofs between their sizes, plus a real listening witness.
 */
import { createServer } from 'node:net';
import { b64 } from '@permis/sdk/encoding';
import { signCheckpoint } from '../../src/crypto/checkpoint.js';
import { ed25519Cosigner } from '../../src/crypto/cosignature.js';
import { consistencyProof, EMPTY_TREE, extendTree, leafHash, memoryNodeReader, rootAt } from '../../src/crypto/merkle/index.js';
import { ed25519NoteSigner, formatVerifierKey, type NoteSigner, type NoteVerifier, parseVerifierKey } from '../../src/crypto/signed-note.js';
import { serveWitness } from '../../src/entry/witness.js';
import type { Db } from '../../src/storage/db.js';

/** A log under test: its origin, key and signer. */
export interface TestLog {
  origin: string;
  vkey: string;
  signer: NoteSigner;
  /** A tree of `n` leaves named `${prefix}-${i}`. */
  tree(n: number, prefix?: string): Promise<TestTree>;
}

/** A tree of the log: checkpoints of any prefix and proofs between them. */
export interface TestTree {
  size: bigint;
  root(size?: bigint): Promise<Uint8Array>;
  /** The checkpoint of its first `size` leaves, signed by the log. */
  note(size?: bigint): Promise<string>;
  proof(from: bigint, to?: bigint): Promise<Uint8Array[]>;
}

/** A fresh Ed25519 key pair. */
export async function freshKey() {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  return { privateKey: pair.privateKey, publicKey: new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)) };
}

/** A new log named `origin` with a fresh key. */
export async function testLog(origin: string): Promise<TestLog> {
  const k = await freshKey();
  const signer = await ed25519NoteSigner(origin, k.privateKey, k.publicKey);
  const self: TestLog = {
    origin,
    vkey: await formatVerifierKey(origin, k.publicKey),
    signer,
    async tree(n, prefix = 'leaf') {
      const hashes = await Promise.all(Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`${prefix}-${i}`))));
      const { nodes } = await extendTree(EMPTY_TREE, hashes);
      const read = memoryNodeReader(nodes);
      const size = BigInt(n);
      const tree: TestTree = {
        size,
        root: (s = size) => rootAt(s, read),
        note: async (s = size) => signCheckpoint({ origin, size: s, root: await rootAt(s, read) }, signer),
        proof: (from, to = size) => consistencyProof(from, to, read),
      };
      return tree;
    },
  };
  return self;
}

/** The body of an add-checkpoint request. */
export function submission(oldSize: bigint, proof: readonly Uint8Array[], note: string): string {
  return `old ${oldSize}\n${proof.map((h) => `${b64(h)}\n`).join('')}\n${note}`;
}

/** POSTs `body` to `<url>/add-checkpoint`. */
export async function submit(url: string, body: string): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${url}/add-checkpoint`, { method: 'POST', body });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** A free TCP port in this suite's range (22000–22999). */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const port = 22000 + Math.floor(Math.random() * 1000);
    const ok = await new Promise<boolean>((done) => {
      const s = createServer();
      s.once('error', () => done(false));
      s.listen(port, '127.0.0.1', () => s.close(() => done(true)));
    });
    if (ok) return port;
  }
  throw new Error('no free port in 22000–22999');
}

/** A witness named `name` over `db` that witnesses `logs`, listening on a real port. */
export async function startWitness(db: Db, name: string, logs: readonly TestLog[], key?: Awaited<ReturnType<typeof freshKey>>) {
  const k = key ?? (await freshKey());
  const cosigner = await ed25519Cosigner(name, k.privateKey, k.publicKey);
  const map = new Map(await Promise.all(logs.map(async (l) => [l.origin, [await parseVerifierKey(l.vkey)]] as [string, NoteVerifier[]])));
  const w = await serveWitness({ db, cosigner, logs: map, port: await freePort() });
  return { ...w, key: k, cosigner };
}
