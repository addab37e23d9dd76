/**
 * RFC 6962 / RFC 9162 Merkle tree hashing with SHA-256 (WebCrypto, so it runs on every
 * runtime). Indices and sizes are bigint throughout: a log can outgrow 2^32 and 2^53.
 */

// Leaf and node hashing is shared with the SDK's verifiers: one implementation of RFC 9162 §2.1.1.
export { bytesEqual, emptyRoot, HASH_SIZE, leafHash, nodeHash } from '@permis/sdk/verify';

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
