/**
 * Verifying C2SP signed notes (c2sp.org/signed-note) with Ed25519 signatures, and parsing the
 * verifier-key string `<name>+<key id hex>+<base64(0x01 ‖ public key)>`. WebCrypto only.
 */
import { concat, sha256, strictB64, toHex, utf8 } from '../core/encoding.js';
import { VerificationError } from './verification-error.js';

/** Why a note or key was refused. */
export type NoteFailure =
  /** The note does not have the signed-note shape (text, blank line, signature lines). */
  | 'malformed_note'
  /** The verifier-key string cannot be parsed, or its key id does not match its key. */
  | 'bad_verifier_key'
  /** A signature from a known key does not verify (the whole note is rejected). */
  | 'signature_invalid'
  /** No signature from a known key is on the note. */
  | 'no_trusted_signature'
  /** The note text is not a C2SP checkpoint. */
  | 'malformed_checkpoint'
  /** The checkpoint's origin is not the expected one. */
  | 'origin_mismatch'
  /** A tlog-policy file is malformed (c2sp.org/tlog-policy). */
  | 'bad_policy'
  /** The checkpoint's verified cosignatures do not meet the policy's quorum. */
  | 'quorum_not_met';

/** A refused note, key or checkpoint; `reason` says why. */
export class NoteError extends VerificationError<NoteFailure> {
  constructor(reason: NoteFailure, message: string) {
    super(reason, message);
    this.name = 'NoteError';
  }
}

/** c2sp.org/signed-note: the signature type byte of Ed25519. */
export const ED25519_NOTE_TYPE = 0x01;
/** Signature lines we read at most (the spec requires accepting at least 16). */
const MAX_SIGNATURES = 64;

/** A trusted key that verifies note signatures. */
export interface NoteVerifier {
  name: string;
  /** The 4-byte key id. */
  keyId: Uint8Array;
  verify(message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

/** One signature line of a note. */
export interface NoteSignature {
  name: string;
  keyId: Uint8Array;
  signature: Uint8Array;
}

/** c2sp.org/signed-note: key names are non-empty, without Unicode spaces or `+`. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\u0000-\u001f]/u.test(name);
}

/** c2sp.org/signed-note: the Ed25519 key id, SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]. */
export async function ed25519KeyId(name: string, publicKey: Uint8Array): Promise<Uint8Array> {
  return (await sha256(concat(utf8(name), Uint8Array.of(0x0a, ED25519_NOTE_TYPE), publicKey))).slice(0, 4);
}

/** What an Ed25519 verifier key of one signature type holds once parsed and checked. */
export interface ParsedEd25519Key {
  name: string;
  keyId: Uint8Array;
  publicKey: Uint8Array;
  verify(message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

/**
 * Parses `<name>+<key id hex>+<base64(type ‖ 32-byte Ed25519 public key)>` (c2sp.org/signed-note
 * §Verifier keys) for one signature `type`, checking the key id with `keyIdOf`. Throws NoteError
 * `bad_verifier_key` naming `what` when it is malformed or its key id does not belong to its key.
 */
export async function parseEd25519Key(
  vkey: string,
  type: number,
  keyIdOf: (name: string, publicKey: Uint8Array) => Promise<Uint8Array>,
  what: string,
): Promise<ParsedEd25519Key> {
  const bad = (why: string) => new NoteError('bad_verifier_key', `not a ${what}: ${why}`);
  // The name has no '+', the id is hex; the base64 key may itself contain '+'.
  const s = vkey.trim();
  const first = s.indexOf('+');
  const second = first < 0 ? -1 : s.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw bad('expected <name>+<key id>+<key>');
  const [name, idHex, keyB64] = [s.slice(0, first), s.slice(first + 1, second), s.slice(second + 1)];
  if (!isValidKeyName(name)) throw bad('invalid key name');
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw bad('the key id must be 8 lowercase hex digits');
  const key = strictB64(keyB64);
  const typeHex = `0x${type.toString(16).padStart(2, '0')}`;
  if (!key || key.length !== 33 || key[0] !== type) throw bad(`the key must be base64 of ${typeHex} and a 32-byte Ed25519 public key`);
  const publicKey = key.slice(1);
  const keyId = await keyIdOf(name, publicKey);
  if (toHex(keyId) !== idHex) throw bad('the key id does not match the key');
  let cryptoKey: CryptoKey;
  try {
    cryptoKey = await crypto.subtle.importKey('raw', publicKey as BufferSource, { name: 'Ed25519' }, false, ['verify']);
  } catch {
    throw bad('the public key is not a valid Ed25519 key');
  }
  return {
    name,
    keyId,
    publicKey,
    verify: (message, signature) => crypto.subtle.verify({ name: 'Ed25519' }, cryptoKey, signature as BufferSource, message as BufferSource),
  };
}

/**
 * Parses a verifier-key string (Ed25519 only) into a verifier. Throws NoteError
 * `bad_verifier_key` when it is malformed or its key id does not belong to its key.
 */
export async function parseVerifierKey(vkey: string): Promise<NoteVerifier> {
  const { name, keyId, verify } = await parseEd25519Key(vkey, ED25519_NOTE_TYPE, ed25519KeyId, 'verifier key');
  return { name, keyId, verify };
}

/** c2sp.org/signed-note §Format: note text ends in a newline and has no other control characters. */
export function assertNoteText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteError('malformed_note', 'note text must end with a newline');
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(text)) throw new NoteError('malformed_note', 'note text contains control characters');
}

/** Splits a signed note into its text and signature lines without verifying anything. */
export function parseNote(note: string): { text: string; signatures: NoteSignature[] } {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new NoteError('malformed_note', 'a signed note is text, a blank line and signature lines');
  const text = note.slice(0, split + 1);
  assertNoteText(text);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('malformed_note', `more than ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map((line) => {
    const m = /^\u2014 (\S+) (\S+)$/u.exec(line);
    const bytes = m ? strictB64(m[2]!) : undefined;
    if (!m || !isValidKeyName(m[1]!) || !bytes || bytes.length < 5) throw new NoteError('malformed_note', 'malformed signature line');
    return { name: m[1]!, keyId: bytes.slice(0, 4), signature: bytes.slice(4) };
  });
  return { text, signatures };
}

const sameId = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * c2sp.org/signed-note §Signatures: verifies `note` against trusted keys (verifier-key strings
 * or verifiers). Signatures from unknown keys are ignored; a known key whose signature fails
 * rejects the whole note; at least one known key must verify. Returns the note text (the only
 * part to trust) and the names that verified. Throws NoteError otherwise.
 */
export async function verifyNote(note: string, verifierKeys: readonly (string | NoteVerifier)[]): Promise<{ text: string; verifiedBy: string[] }> {
  const verifiers = await Promise.all(verifierKeys.map((k) => (typeof k === 'string' ? parseVerifierKey(k) : k)));
  const { text, signatures } = parseNote(note);
  const message = utf8(text);
  const verifiedBy: string[] = [];
  for (const sig of signatures) {
    const v = verifiers.find((k) => k.name === sig.name && sameId(k.keyId, sig.keyId));
    if (!v) continue;
    let ok = false;
    try {
      ok = await v.verify(message, sig.signature);
    } catch {
      ok = false;
    }
    if (!ok) throw new NoteError('signature_invalid', `the signature of ${sig.name} does not verify`);
    verifiedBy.push(sig.name);
  }
  if (verifiedBy.length === 0) throw new NoteError('no_trusted_signature', 'no signature from a trusted key is on the note');
  return { text, verifiedBy };
}
