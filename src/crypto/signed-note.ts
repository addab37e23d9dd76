/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519 signatures: signing, verifying, and
 * the verifier-key string `<name>+<key id hex>+<base64(0x01 ‖ public key)>`. WebCrypto only.
 */
import { b64, concat, fromB64, sha256, toHex, utf8 } from '../domain/encoding.js';

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
  | 'malformed_checkpoint';

/** A refused note. Not a PermisError: notes are verified by clients, not by the API. */
export class NoteError extends Error {
  readonly reason: NoteFailure;
  constructor(reason: NoteFailure, message: string) {
    super(message);
    this.name = 'NoteError';
    this.reason = reason;
  }
}

/** c2sp.org/signed-note: the signature type byte of Ed25519. */
const ED25519_TYPE = 0x01;
/** Signature lines we read at most (the spec requires at least 16). */
const MAX_SIGNATURES = 64;
const EM_DASH = '\u2014';

/** Something that can sign notes under a key name. */
export interface NoteSigner {
  name: string;
  /** The 4-byte key id. */
  keyId: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** A trusted key that verifies note signatures. */
export interface NoteVerifier {
  name: string;
  keyId: Uint8Array;
  verify(message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

/** c2sp.org/signed-note: key names are non-empty, without Unicode spaces or `+`. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\u0000-\u001f]/u.test(name);
}

/** c2sp.org/signed-note: the Ed25519 key id, SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]. */
export async function ed25519KeyId(name: string, publicKey: Uint8Array): Promise<Uint8Array> {
  return (await sha256(concat(utf8(name), Uint8Array.of(0x0a, ED25519_TYPE), publicKey))).slice(0, 4);
}

/** The verifier-key string `<name>+<key id hex>+<base64(0x01 ‖ public key)>` of an Ed25519 key. */
export async function formatVerifierKey(name: string, publicKey: Uint8Array): Promise<string> {
  if (!isValidKeyName(name)) throw new NoteError('bad_verifier_key', 'key names must be non-empty, without spaces or "+"');
  if (publicKey.length !== 32) throw new NoteError('bad_verifier_key', 'an Ed25519 public key is 32 bytes');
  return `${name}+${toHex(await ed25519KeyId(name, publicKey))}+${b64(concat(Uint8Array.of(ED25519_TYPE), publicKey))}`;
}

/** Strict standard base64 (RFC 4648 §4, padded, canonical); undefined when `s` is not. */
function strictB64(s: string): Uint8Array | undefined {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  try {
    const bytes = fromB64(s);
    return b64(bytes) === s ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parses a verifier-key string (Ed25519 only) into a verifier. Throws NoteError
 * `bad_verifier_key` when it is malformed or its key id does not belong to its key.
 */
export async function parseVerifierKey(vkey: string): Promise<NoteVerifier> {
  const bad = (why: string) => new NoteError('bad_verifier_key', `not a verifier key: ${why}`);
  // The name has no '+', the id is hex; the base64 key may itself contain '+'.
  const s = vkey.trim();
  const first = s.indexOf('+');
  const second = first < 0 ? -1 : s.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw bad('expected <name>+<key id>+<key>');
  const [name, idHex, keyB64] = [s.slice(0, first), s.slice(first + 1, second), s.slice(second + 1)];
  if (!isValidKeyName(name)) throw bad('invalid key name');
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw bad('the key id must be 8 lowercase hex digits');
  const key = strictB64(keyB64);
  if (!key || key.length !== 33 || key[0] !== ED25519_TYPE) throw bad('the key must be base64 of 0x01 and a 32-byte Ed25519 public key');
  const publicKey = key.slice(1);
  const keyId = await ed25519KeyId(name, publicKey);
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
    verify: (message, signature) => crypto.subtle.verify({ name: 'Ed25519' }, cryptoKey, signature as BufferSource, message as BufferSource),
  };
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

function assertNoteText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteError('malformed_note', 'note text must end with a newline');
  // c2sp.org/signed-note §Format: no ASCII control characters other than newline.
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(text)) throw new NoteError('malformed_note', 'note text contains control characters');
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

/** One signature line of a note. */
export interface NoteSignature {
  name: string;
  keyId: Uint8Array;
  signature: Uint8Array;
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
