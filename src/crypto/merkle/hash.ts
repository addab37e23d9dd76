/**
 * RFC 6962 / RFC 9162 Merkle tree hashing with SHA-256 (WebCrypto, so it runs on every
 * runtime). Indices and sizes are bigint throughout: a log can outgrow 2^32 and 2^53.
 */

// Leaf and node hashing is shared with the SDK's verifiers: one implementation of RFC 9162 §2.1.1.
import { leafHash } from '@permis/sdk/verify';
export { bytesEqual, emptyRoot, HASH_SIZE, leafHash, nodeHash } from '@permis/sdk/verify';

/** The largest power of two strictly smaller than `n` (RFC 9162 §2.1.1's k); `n` must be ≥ 2. */
export function largestPowerOfTwoBelow(n: bigint): bigint {
  if (n < 2n) throw new RangeError('n must be at least 2');
  return 1n << BigInt(bitLength(n - 1n) - 1);
}

/**
 * Number of bits needed to write `n` (0 for 0 and below). Exact for every size, without a
 * bigint allocated per bit (a proof asks this once per level of the tree).
 */
export function bitLength(n: bigint): number {
  if (n <= 0n) return 0;
  if (n <= 0xffffffffn) return 32 - Math.clz32(Number(n));
  const hex = n.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0]!, 16)));
}

/**
 * A synchronous SHA-256 (FIPS 180-4), such as `node:crypto`'s, that a runtime entry may inject
 * where many hashes are computed in a row (the integrator): the same digests as WebCrypto's
 * `crypto.subtle.digest('SHA-256', …)`, without a promise per hash. The core never imports one.
 */
export type SyncSha256 = (data: Uint8Array) => Uint8Array;

/** RFC 9162 §2.1.1 leaf hash, SHA-256(0x00 ‖ data), with a synchronous SHA-256. */
export function leafHashSync(sha256: SyncSha256, data: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + data.length);
  buf[0] = 0x00;
  buf.set(data, 1);
  return sha256(buf);
}

/** RFC 9162 §2.1.1 leaf hash with `sha256` when a runtime injected one, else WebCrypto. */
export async function leafHashWith(data: Uint8Array, sha256?: SyncSha256): Promise<Uint8Array> {
  return sha256 ? leafHashSync(sha256, data) : leafHash(data);
}

/** The input buffer of {@link nodeHashSync}, reused: the hash is synchronous and keeps no reference. */
const nodeInput = new Uint8Array(1 + 2 * 32);
nodeInput[0] = 0x01;

/** RFC 9162 §2.1.1 node hash, SHA-256(0x01 ‖ left ‖ right), with a synchronous SHA-256. */
export function nodeHashSync(sha256: SyncSha256, left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== 32 || right.length !== 32) {
    const buf = new Uint8Array(1 + left.length + right.length);
    buf[0] = 0x01;
    buf.set(left, 1);
    buf.set(right, 1 + left.length);
    return sha256(buf);
  }
  nodeInput.set(left, 1);
  nodeInput.set(right, 33);
  return sha256(nodeInput);
}
