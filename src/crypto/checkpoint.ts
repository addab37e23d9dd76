/**
 * Log checkpoints in the C2SP tlog-checkpoint format (c2sp.org/tlog-checkpoint): origin line,
 * decimal tree size, base64 root hash, optional extension lines, signed as a C2SP note
 * (Ed25519) by the key ring's `checkpoint` key under the origin as key name.
 */
import type { Checkpoint } from '@permis/sdk/verify';
import { b64, fromB64 } from '@permis/sdk/encoding';
import type { KeyRing } from './key-ring.js';
import { ed25519NoteSigner, formatVerifierKey, isValidKeyName, NoteError, type NoteSigner, signNote } from './signed-note.js';

/** The checkpoint format's parsing is the SDK's (`@permis/sdk/verify`): one implementation. */
export { type Checkpoint, parseCheckpoint } from '@permis/sdk/verify';

/**
 * The log's origin (and checkpoint key name) derived from the public URL: the URL without its
 * scheme or trailing slash, e.g. `permis.barcelona.cat` (c2sp.org/tlog-checkpoint recommends a
 * schema-less URL without spaces or `+`).
 */
export function logOriginOf(publicUrl: string): string {
  const u = new URL(publicUrl);
  const origin = `${u.host}${u.pathname}`.replace(/\/+$/, '');
  if (!isValidKeyName(origin)) throw new NoteError('malformed_checkpoint', `cannot derive a log origin from ${publicUrl}`);
  return origin;
}

/** c2sp.org/tlog-checkpoint §Note text: the text of the checkpoint note. */
export function checkpointText(cp: Checkpoint): string {
  if (!cp.origin || /[\n]/.test(cp.origin)) throw new NoteError('malformed_checkpoint', 'the origin must be one non-empty line');
  if (cp.size < 0n) throw new NoteError('malformed_checkpoint', 'negative tree size');
  if (cp.root.length !== 32) throw new NoteError('malformed_checkpoint', 'the root hash must be 32 bytes');
  const ext = cp.extensions ?? [];
  if (ext.some((l) => l === '' || l.includes('\n'))) throw new NoteError('malformed_checkpoint', 'extension lines must be non-empty single lines');
  return [cp.origin, cp.size.toString(10), b64(cp.root), ...ext].join('\n') + '\n';
}

/** Signs `cp` as a C2SP signed note with `signer` (whose name should be the origin). */
export function signCheckpoint(cp: Checkpoint, signer: NoteSigner): Promise<string> {
  return signNote(checkpointText(cp), [signer]);
}

/** The signer for checkpoints: the key ring's active `checkpoint` key, named `origin`. */
export async function checkpointSigner(keys: KeyRing, origin: string): Promise<NoteSigner> {
  const key = await keys.active('checkpoint');
  if (typeof key.publicJwk.x !== 'string') throw new NoteError('bad_verifier_key', 'the checkpoint key has no public key');
  return ed25519NoteSigner(origin, key.privateKey, fromB64(key.publicJwk.x));
}

/** The verifier-key string of the active checkpoint key, for publication at `/v1/log/key`. */
export async function checkpointVerifierKey(keys: KeyRing, origin: string): Promise<string> {
  const key = await keys.active('checkpoint');
  if (typeof key.publicJwk.x !== 'string') throw new NoteError('bad_verifier_key', 'the checkpoint key has no public key');
  return formatVerifierKey(origin, fromB64(key.publicJwk.x));
}
