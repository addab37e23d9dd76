/**
 * The witness's one write operation (c2sp.org/tlog-witness §add-checkpoint): verify the log's
 * signature, check the old size against the latest cosigned checkpoint and the consistency
 * proof from it, then cosign and record — the check and the record in one transaction holding
 * the origin's row lock, so two submissions for one origin cannot both win, and the cosignature
 * leaves only after the record is committed.
 */
import { emptyRoot, MerkleProofError, verifyConsistency } from '@permis/sdk/verify';
import { b64, bytesEqual, concat } from '@permis/sdk/encoding';
import { checkpointText } from '../crypto/checkpoint.js';
import { cosignatureLine } from '../crypto/cosignature.js';
import { NoteError, parseNote, verifyNote } from '../crypto/signed-note.js';
import { ConflictError, PermisError, RuleError } from '../domain/errors.js';
import { insertWitnessRecord, updateWitnessRecord, witnessRecord } from '../storage/witness-repo.js';
import { parseSubmission } from './parse-submission.js';
import type { WitnessDeps } from './witness-deps.js';

/** The old size did not match: the caller answers 409 with this size as `text/x.tlog.size`. */
export class OldSizeMismatch extends ConflictError {
  readonly size: bigint;
  constructor(size: bigint, given: bigint) {
    super('old_size_mismatch', `The latest checkpoint cosigned for this log has ${size} leaves, not ${given}.`, { size: size.toString() });
    this.size = size;
  }
}

const inconsistent = (why: string) => new RuleError('checkpoint_inconsistent', why);

/**
 * Handles one add-checkpoint request body. Returns the cosignature line(s) (the 200 body).
 * Throws PermisError `validation_failed` (400), `log_unknown` (404), `checkpoint_signature_invalid`
 * (403), OldSizeMismatch (409) or `checkpoint_inconsistent` (422), in the spec's order.
 */
export async function addCheckpoint(deps: WitnessDeps, body: string): Promise<string> {
  const sub = parseSubmission(body);
  const { checkpoint: cp, oldSize, proof } = sub;
  // "If the checkpoint origin is unknown, the witness MUST respond with a 404 Not Found."
  const keys = deps.logs.get(cp.origin);
  if (!keys) throw new PermisError('log_unknown', `This witness does not witness the log ${cp.origin}.`);
  // "MUST verify the checkpoint signature against the public key(s) it trusts for the checkpoint
  // origin, and it MUST ignore signatures from unknown keys" — else 403.
  let verifiedBy: string[];
  try {
    verifiedBy = (await verifyNote(sub.note, keys)).verifiedBy;
  } catch (e) {
    if (e instanceof NoteError) throw new PermisError('checkpoint_signature_invalid', `The checkpoint is not validly signed by ${cp.origin}: ${e.message}`);
    throw e;
  }
  // "The old size MUST be equal to or lower than the checkpoint size" — else 400.
  if (oldSize > cp.size) throw new RuleError('validation_failed', `Malformed add-checkpoint request: old size ${oldSize} is larger than the checkpoint's size ${cp.size}.`);
  // "A checkpoint of size zero MUST have the root hash of the empty tree" — else 422.
  if (cp.size === 0n && !bytesEqual(cp.root, await emptyRoot())) throw inconsistent('A checkpoint of size 0 must have the root hash of the empty tree.');
  // "If the old size is zero, the consistency proof MUST be empty" — else 422.
  if (oldSize === 0n && proof.length > 0) throw inconsistent('A consistency proof from size 0 must be empty.');

  const text = checkpointText(cp);
  // The signatures the witness verified (the monitoring prefix serves them with its own).
  const logLines = parseNote(sub.note)
    .signatures.filter((s) => verifiedBy.includes(s.name) && keys.some((k) => k.name === s.name && bytesEqual(k.keyId, s.keyId)))
    .map((s) => `\u2014 ${s.name} ${b64(concat(s.keyId, s.signature))}\n`);

  return deps.db.transaction(async (tx) => {
    const current = await witnessRecord(tx, cp.origin, true);
    const size = current?.treeSize ?? 0n;
    // "MUST check that the old size matches the size of the latest checkpoint it cosigned for
    // the checkpoint's origin (or zero if it never cosigned …)" — else 409.
    if (oldSize !== size) throw new OldSizeMismatch(size, oldSize);
    if (current && oldSize > 0n) {
      try {
        // RFC 6962 §2.1.2 from the recorded root; equal sizes need identical roots.
        await verifyConsistency(oldSize, cp.size, proof, current.root, cp.root);
      } catch (e) {
        if (e instanceof MerkleProofError) throw inconsistent(`The consistency proof from size ${oldSize} does not verify (${e.reason}).`);
        throw e;
      }
    }
    const now = deps.clock.now();
    const line = await cosignatureLine(text, deps.cosigner, BigInt(Math.floor(now.getTime() / 1000)));
    const record = { origin: cp.origin, treeSize: cp.size, root: cp.root, note: `${text}\n${logLines.join('')}${line}`, cosignedAt: now };
    if (current) await updateWitnessRecord(tx, record);
    else if (!(await insertWitnessRecord(tx, record))) {
      // A concurrent first submission recorded one between our read and our insert.
      const won = await witnessRecord(tx, cp.origin);
      throw new OldSizeMismatch(won?.treeSize ?? 0n, oldSize);
    }
    return line;
  });
}
