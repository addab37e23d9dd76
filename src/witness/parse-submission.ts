/**
 * Parsing an `add-checkpoint` request body (c2sp.org/tlog-witness §add-checkpoint): an old size
 * line, zero to 63 consistency proof lines, an empty line, and a signed checkpoint note.
 */
import { strictB64 } from '@permis/sdk/encoding';
import { type Checkpoint, parseCheckpoint } from '../crypto/checkpoint.js';
import { parseNote } from '../crypto/signed-note.js';
import { RuleError } from '../domain/errors.js';

/** "The client MUST NOT send more than 63 consistency proof lines." */
export const MAX_PROOF_LINES = 63;

/** A parsed submission: the old size, the proof hashes, the note and its checkpoint. */
export interface Submission {
  oldSize: bigint;
  proof: Uint8Array[];
  note: string;
  checkpoint: Checkpoint;
}

const bad = (why: string) => new RuleError('validation_failed', `Malformed add-checkpoint request: ${why}.`);

/**
 * Parses `body` (the old size is compared with the checkpoint's size by `addCheckpoint`, after
 * the origin and signature checks the spec lists first); throws RuleError `validation_failed` (400) on any deviation from the format. */
export function parseSubmission(body: string): Submission {
  // "Each line MUST terminate in a newline character (U+000A)."
  const end = body.indexOf('\n\n');
  if (end < 0) throw bad('no empty line before the checkpoint');
  const [oldLine, ...proofLines] = body.slice(0, end).split('\n') as [string, ...string[]];
  // "old", a space, and the size in decimal without leading zeroes ("0" for zero).
  const m = /^old (0|[1-9][0-9]{0,19})$/.exec(oldLine);
  if (!m) throw bad('the first line must be "old <size>" in decimal without leading zeros');
  const oldSize = BigInt(m[1]!);
  if (proofLines.length > MAX_PROOF_LINES) throw bad(`more than ${MAX_PROOF_LINES} consistency proof lines`);
  const proof = proofLines.map((line, i) => {
    const h = strictB64(line);
    if (!h || h.length !== 32) throw bad(`proof line ${i + 1} is not one base64 SHA-256 hash`);
    return h;
  });
  const note = body.slice(end + 2);
  let checkpoint: Checkpoint;
  try {
    parseNote(note);
    checkpoint = parseCheckpoint(note);
  } catch (e) {
    throw bad(`the checkpoint is not a signed C2SP checkpoint (${(e as Error).message})`);
  }
  return { oldSize, proof, note, checkpoint };
}
