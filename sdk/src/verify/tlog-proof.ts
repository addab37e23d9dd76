/**
 * Offline proofs of logging (c2sp.org/tlog-proof@v1): `c2sp.org/tlog-proof@v1`, an optional
 * `extra <base64>` line (for Permís: the leaf data, so the leaf hash can be recomputed), `index
 * <n>`, the inclusion proof hashes, an empty line and the checkpoint verbatim (with its
 * cosignatures). Verified against a tlog-policy: log key, witness quorum, inclusion.
 */
import { b64, strictB64 } from '../core/encoding.js';
import { verifyCheckpoint, type VerifiedCheckpoint } from './checkpoint.js';
import { leafHash, MerkleProofError, verifyInclusion } from './merkle.js';
import type { Policy } from './policy.js';
import { NoteError } from './signed-note.js';

/** The first line of a tlog-proof. */
export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

/** A parsed tlog-proof. */
export interface TlogProof {
  extra?: Uint8Array;
  index: bigint;
  proof: Uint8Array[];
  /** The checkpoint note, verbatim. */
  checkpoint: string;
}

const bad = (why: string) => new NoteError('malformed_note', `not a tlog-proof: ${why}`);

/** Formats a tlog-proof (c2sp.org/tlog-proof §Format). */
export function formatTlogProof(p: TlogProof): string {
  return [TLOG_PROOF_HEADER, ...(p.extra ? [`extra ${b64(p.extra)}`] : []), `index ${p.index}`, ...p.proof.map(b64), '', p.checkpoint].join('\n');
}

/** Parses a tlog-proof; throws NoteError `malformed_note` on any deviation from the format. */
export function parseTlogProof(text: string): TlogProof {
  const end = text.indexOf('\n\n');
  if (end < 0) throw bad('no empty line before the checkpoint');
  const lines = text.slice(0, end).split('\n');
  if (lines.shift() !== TLOG_PROOF_HEADER) throw bad(`the first line must be ${TLOG_PROOF_HEADER}`);
  let extra: Uint8Array | undefined;
  if (lines[0]?.startsWith('extra ')) {
    extra = strictB64(lines.shift()!.slice(6));
    if (!extra) throw bad('the extra line is not base64');
  }
  const m = /^index (0|[1-9][0-9]*)$/.exec(lines.shift() ?? '');
  if (!m) throw bad('expected "index <decimal>"');
  const proof = lines.map((l, i) => {
    const h = strictB64(l);
    if (!h || h.length !== 32) throw bad(`proof line ${i + 1} is not a base64 SHA-256 hash`);
    return h;
  });
  return { ...(extra ? { extra } : {}), index: BigInt(m[1]!), proof, checkpoint: text.slice(end + 2) };
}

/**
 * c2sp.org/tlog-proof §Verifying: the checkpoint is signed by a policy log and cosigned by a
 * quorum of its witnesses (`verifyCheckpoint(note, policy)`), and the inclusion proof binds the
 * leaf — whose hash is `leafHash` if given, else computed from the `extra` data
 * (SHA-256(0x00 ‖ extra)) — to its root. Returns the checkpoint and the index. Throws NoteError
 * or MerkleProofError otherwise.
 */
export async function verifyTlogProof(text: string, policy: Policy, opts: { leafHash?: Uint8Array; origin?: string } = {}): Promise<{ checkpoint: VerifiedCheckpoint; index: bigint; extra?: Uint8Array }> {
  const p = parseTlogProof(text);
  const checkpoint = await verifyCheckpoint(p.checkpoint, policy, opts.origin ? { origin: opts.origin } : {});
  const leaf = opts.leafHash ?? (p.extra ? await leafHash(p.extra) : undefined);
  if (!leaf) throw new MerkleProofError('bad_hash_length', 'no leaf to prove: the proof has no extra data and no leaf hash was given');
  await verifyInclusion(leaf, p.index, checkpoint.size, p.proof, checkpoint.root);
  return { checkpoint, index: p.index, ...(p.extra ? { extra: p.extra } : {}) };
}
