import * as nodeCrypto from 'node:crypto';
import type { SyncSha256 } from '../crypto/merkle/index.js';

/** `crypto.hash` (Node ≥ 20.12): a one-shot digest without a Hash object per call. */
const oneShot = (nodeCrypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer }).hash;

/**
 * Node's synchronous SHA-256 (OpenSSL), for the log (integrator, proofs, leaves): the same
 * digests as WebCrypto, without a promise and a thread-pool hop per hash (several times
 * faster on large batches).
 */
export const nodeSha256: SyncSha256 = oneShot
  ? (data) => {
      const d = oneShot('sha256', data, 'buffer');
      return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    }
  : (data) => {
      const d = nodeCrypto.createHash('sha256').update(data).digest();
      return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    };
