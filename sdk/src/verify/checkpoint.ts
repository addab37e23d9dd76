/**
 * Log checkpoints in the C2SP tlog-checkpoint format (c2sp.org/tlog-checkpoint): origin line,
 * decimal tree size, base64 root hash, optional extension lines, signed as a C2SP note.
 */
import { b64, bytesEqual, fromB64 } from '../core/encoding.js';
import { type VerifiedCosignature, verifyCosignatures } from './cosignature.js';
import { type Policy, quorumMet } from './policy.js';
import { NoteError, type NoteVerifier, verifyNote } from './signed-note.js';

/** A tree head: the log's identity, its size, and its RFC 6962 root. */
export interface Checkpoint {
  origin: string;
  size: bigint;
  root: Uint8Array;
  /** Extension lines (opaque, not recommended); none by default. */
  extensions?: string[];
}

/**
 * Parses a checkpoint from a signed note or from bare note text. Checks the format only —
 * use `verifyCheckpoint` to check the signature too. Throws NoteError `malformed_checkpoint`
 * when it is not a C2SP checkpoint.
 */
export function parseCheckpoint(noteOrText: string): Checkpoint {
  // Checkpoint text has no empty lines, so the first blank line starts the signatures.
  const blank = noteOrText.indexOf('\n\n');
  const text = blank >= 0 ? noteOrText.slice(0, blank + 1) : noteOrText;
  const bad = (why: string) => new NoteError('malformed_checkpoint', `not a checkpoint: ${why}`);
  if (!text.endsWith('\n')) throw bad('the text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw bad('it needs an origin, a tree size and a root hash');
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === '') throw bad('empty origin');
  if (!/^(0|[1-9][0-9]*)$/.test(size)) throw bad('the tree size must be a decimal number without leading zeros');
  if (!/^[A-Za-z0-9+/]{43}=$/.test(root)) throw bad('the root hash must be 32 bytes in standard base64');
  const rootBytes = fromB64(root);
  if (b64(rootBytes) !== root) throw bad('the root hash is not canonical base64');
  if (extensions.some((l) => l === '')) throw bad('empty extension line');
  return { origin, size: BigInt(size), root: rootBytes, ...(extensions.length ? { extensions } : {}) };
}

/** A verified checkpoint and the key names whose signatures verified. */
export interface VerifiedCheckpoint extends Checkpoint {
  verifiedBy: string[];
  /**
   * With a policy: the policy's witnesses whose cosignatures verified (policy names, with the
   * time each states). Without one: empty.
   */
  cosignatures: (VerifiedCosignature & { witness: string })[];
}

const isPolicy = (k: readonly (string | NoteVerifier)[] | Policy): k is Policy => !Array.isArray(k);

/**
 * c2sp.org/tlog-checkpoint: verifies the signed note `note` and parses its text.
 *
 * With trusted `verifierKeys` (verifier-key strings such as the answer of `GET /v1/log/key`),
 * signatures of unknown signers are ignored and it fails when no known key verifies.
 *
 * With a `Policy` (c2sp.org/tlog-policy, from `parsePolicy`): the note must be signed by one of
 * the policy's logs (or, for a policy without logs, by `opts.logKeys`), every cosignature line of
 * a policy witness must verify (c2sp.org/tlog-cosignature), and the witnesses that cosigned must
 * meet the quorum — else NoteError `quorum_not_met`.
 *
 * With `opts.origin`, the checkpoint's origin must be exactly that. Throws NoteError otherwise.
 */
export async function verifyCheckpoint(
  note: string,
  trust: readonly (string | NoteVerifier)[] | Policy,
  opts: { origin?: string; logKeys?: readonly (string | NoteVerifier)[] } = {},
): Promise<VerifiedCheckpoint> {
  const logKeys = isPolicy(trust) ? [...trust.logs.map((l) => l.verifier), ...(opts.logKeys ?? [])] : trust;
  if (logKeys.length === 0) throw new NoteError('no_trusted_signature', 'no log key to verify the checkpoint with');
  const { text, verifiedBy } = await verifyNote(note, logKeys);
  const cp = parseCheckpoint(text);
  if (opts.origin !== undefined && cp.origin !== opts.origin) {
    throw new NoteError('origin_mismatch', `the checkpoint is of log "${cp.origin}", not "${opts.origin}"`);
  }
  if (!isPolicy(trust)) return { ...cp, verifiedBy, cosignatures: [] };
  const found = await verifyCosignatures(
    note,
    trust.witnesses.map((w) => w.key),
  );
  const cosignatures = trust.witnesses.flatMap((w) =>
    found.filter((c) => c.name === w.key.name && bytesEqual(c.keyId, w.key.keyId)).map((c) => ({ ...c, witness: w.name })),
  );
  const cosigned = new Set(cosignatures.map((c) => c.witness));
  if (!quorumMet(trust, cosigned)) {
    throw new NoteError(
      'quorum_not_met',
      `the checkpoint of ${cp.origin} at size ${cp.size} is cosigned by ${cosigned.size ? [...cosigned].join(', ') : 'no known witness'}, below the policy's quorum (${trust.quorum})`,
    );
  }
  return { ...cp, verifiedBy, cosignatures };
}
