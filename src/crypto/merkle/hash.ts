/**
 * RFC 6962 / RFC 9162 Merkle tree hashing with SHA-256 (WebCrypto, so it runs on every
 * runtime). Indices and sizes are bigint throughout: a log can outgrow 2^32 and 2^53.
 */

/** Length in bytes of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

async function digest(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
}

/** RFC 9162 §2.1.1: the hash of a leaf, SHA-256(0x00 ‖ data). */
export function leafHash(data: Uint8Array): Promise<Uint8Array> {
  const buf = new Uint8Array(1 + data.length);
  buf[0] = LEAF_PREFIX;
  buf.set(data, 1);
  return digest(buf);
}

/** RFC 9162 §2.1.1: the hash of an interior node, SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = NODE_PREFIX;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return digest(buf);
}

/** RFC 9162 §2.1.1: the root of the empty tree, SHA-256 of the empty string. */
export function emptyRoot(): Promise<Uint8Array> {
  return digest(new Uint8Array(0));
}

/** The largest power of two strictly smaller than `n` (RFC 9162 §2.1.1's k); `n` must be ≥ 2. */
export function largestPowerOfTwoBelow(n: bigint): bigint {
  if (n < 2n) throw new RangeError('n must be at least 2');
  let k = 1n;
  while (k << 1n < n) k <<= 1n;
  return k;
}

/** Number of bits needed to write `n` (0 for 0). */
export function bitLength(n: bigint): number {
  let bits = 0;
  while (n > 0n) {
    n >>= 1n;
    bits++;
  }
  return bits;
}

/** True when `a` and `b` hold the same bytes (not constant-time: hashes here are public). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
