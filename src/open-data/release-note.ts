/**
 * The signature of a published release: a C2SP signed note (c2sp.org/signed-note) signed with
 * the log's checkpoint key under the log's origin as key name — the key anyone already pins to
 * verify checkpoints (`GET /v1/log/key`). The note's first line is `<origin>/open-data`, never
 * the bare origin, so it can never be mistaken for a checkpoint (c2sp.org/tlog-checkpoint: the
 * first line of a checkpoint is the origin).
 */
import { b64 } from '@permis/sdk/encoding';
import { checkpointSigner } from '../crypto/checkpoint.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { signNote } from '../crypto/signed-note.js';

/** What a release's note states. */
export interface ReleaseStatement {
  origin: string;
  number: number;
  treeSize: bigint;
  rootHash: Uint8Array;
  /** SHA-256 of the document's bytes, lower-case hex. */
  documentSha256: string;
  /** The number of the release this one corrects. */
  corrects?: number | null | undefined;
}

/** The note text: origin line, release number, checkpoint, document hash, and what it corrects. */
export function releaseNoteText(s: ReleaseStatement): string {
  return [
    `${s.origin}/open-data`,
    `release ${s.number}`,
    `checkpoint ${s.treeSize} ${b64(s.rootHash)}`,
    `sha256 ${s.documentSha256}`,
    ...(s.corrects ? [`corrects ${s.corrects}`] : []),
  ].join('\n') + '\n';
}

/** Signs the release statement with the active checkpoint key. */
export async function signReleaseNote(keys: KeyRing, s: ReleaseStatement): Promise<string> {
  return signNote(releaseNoteText(s), [await checkpointSigner(keys, s.origin)]);
}
