/**
 * An independent verifier for tests, written from the specifications with nothing but
 * node:crypto: C2SP signed notes with Ed25519 (c2sp.org/signed-note), C2SP checkpoints
 * (c2sp.org/tlog-checkpoint) and RFC 9162 §2.1.3.2 inclusion proofs. It shares no code with
 * the server, so it checks the server's proofs the way a citizen's own tool would.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';

const sha256 = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();

/**
 * Verifies `note` with the verifier key `<name>+<key id hex>+<base64(0x01 ‖ key)>` and parses
 * the checkpoint it signs. Throws when the key, the signature or the format is wrong.
 */
export function verifyCheckpointNote(note: string, vkey: string): { origin: string; size: bigint; root: Buffer } {
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  const [name, idHex, keyB64] = [vkey.slice(0, first), vkey.slice(first + 1, second), vkey.slice(second + 1).trim()];
  const key = Buffer.from(keyB64, 'base64');
  if (key.length !== 33 || key[0] !== 0x01) throw new Error('not an Ed25519 verifier key');
  const publicKey = key.subarray(1);
  const keyId = sha256(Buffer.from(name, 'utf8'), Buffer.from([0x0a, 0x01]), publicKey).subarray(0, 4);
  if (keyId.toString('hex') !== idHex) throw new Error('the key id does not match the key');
  const split = note.indexOf('\n\n');
  if (split < 0) throw new Error('not a signed note');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2).split('\n').filter((l) => l !== '');
  const mine = lines.map((l) => /^\u2014 (\S+) (\S+)$/u.exec(l)).find((m) => m && m[1] === name);
  if (!mine) throw new Error('no signature of this key');
  const sig = Buffer.from(mine[2]!, 'base64');
  if (!sig.subarray(0, 4).equals(keyId)) throw new Error('the signature is by another key id');
  const pk = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') }, format: 'jwk' });
  if (!verify(null, Buffer.from(text, 'utf8'), pk, sig.subarray(4))) throw new Error('bad signature');
  const [origin, size, root] = text.slice(0, -1).split('\n');
  if (!origin || !size || !/^(0|[1-9][0-9]*)$/.test(size) || !root) throw new Error('not a checkpoint');
  return { origin, size: BigInt(size), root: Buffer.from(root, 'base64') };
}

/** RFC 9162 §2.1.1: the leaf hash SHA-256(0x00 ‖ data). */
export const rfcLeafHash = (data: Buffer): Buffer => sha256(Buffer.from([0x00]), data);

/** RFC 9162 §2.1.3.2, step by step: true when `proof` proves leaf `data` at `index` in the tree of `size` leaves with `root`. */
export function rfcVerifyInclusion(data: Buffer, index: bigint, size: bigint, proof: readonly Buffer[], root: Buffer): boolean {
  // 1. The index must be inside the tree.
  if (index >= size) return false;
  // 2.–3.
  let fn = index;
  let sn = size - 1n;
  let r = rfcLeafHash(data);
  // 4.
  for (const p of proof) {
    if (p.length !== 32) return false;
    if (sn === 0n) return false; // 4a
    if ((fn & 1n) === 1n || fn === sn) {
      r = sha256(Buffer.from([0x01]), p, r); // 4b.1
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = sha256(Buffer.from([0x01]), r, p);
    }
    fn >>= 1n; // 4c
    sn >>= 1n;
  }
  // 5.
  return sn === 0n && r.equals(root);
}
