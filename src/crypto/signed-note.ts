/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519 signatures: the signing half (signers,
 * signing, the verifier-key string) lives here; the verifying half is the SDK's
 * (`@permis/sdk/verify`), re-exported so that the server, its CLI and every client verify
 * with one implementation. WebCrypto only.
 */
import { ED25519_NOTE_TYPE, ed25519KeyId, isValidKeyName, NoteError, assertNoteText } from '@permis/sdk/verify';
import { b64, concat, toHex, utf8 } from '@permis/sdk/encoding';

export {
  ed25519KeyId,
  isValidKeyName,
  NoteError,
  type NoteFailure,
  type NoteSignature,
  type NoteVerifier,
  parseNote,
  parseVerifierKey,
  verifyNote,
} from '@permis/sdk/verify';

const EM_DASH = '\u2014';

/** Something that can sign notes under a key name. */
export interface NoteSigner {
  name: string;
  /** The 4-byte key id. */
  keyId: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** The verifier-key string `<name>+<key id hex>+<base64(0x01 ‖ public key)>` of an Ed25519 key. */
export async function formatVerifierKey(name: string, publicKey: Uint8Array): Promise<string> {
  if (!isValidKeyName(name)) throw new NoteError('bad_verifier_key', 'key names must be non-empty, without spaces or "+"');
  if (publicKey.length !== 32) throw new NoteError('bad_verifier_key', 'an Ed25519 public key is 32 bytes');
  return `${name}+${toHex(await ed25519KeyId(name, publicKey))}+${b64(concat(Uint8Array.of(ED25519_NOTE_TYPE), publicKey))}`;
}

/** A note signer over an Ed25519 private CryptoKey and its 32-byte public key. */
export async function ed25519NoteSigner(name: string, privateKey: CryptoKey, publicKey: Uint8Array): Promise<NoteSigner> {
  if (!isValidKeyName(name)) throw new NoteError('bad_verifier_key', 'key names must be non-empty, without spaces or "+"');
  return {
    name,
    keyId: await ed25519KeyId(name, publicKey),
    sign: async (message) => new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, message as BufferSource)),
  };
}

/** c2sp.org/signed-note: `text` (ending in a newline), a blank line, and one signature line per signer. */
export async function signNote(text: string, signers: readonly NoteSigner[]): Promise<string> {
  assertNoteText(text);
  if (signers.length === 0) throw new NoteError('malformed_note', 'a note needs at least one signature');
  const message = utf8(text);
  const lines: string[] = [];
  for (const s of signers) {
    if (s.keyId.length !== 4) throw new NoteError('bad_verifier_key', 'key ids are 4 bytes');
    lines.push(`${EM_DASH} ${s.name} ${b64(concat(s.keyId, await s.sign(message)))}\n`);
  }
  return `${text}\n${lines.join('')}`;
}
