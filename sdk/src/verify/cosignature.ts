/**
 * Witness cosignatures (c2sp.org/tlog-cosignature, the Ed25519 `cosignature/v1` type): key ids,
 * the signed message, the cosigner vkey (signature type 0x04) and verifying the cosignature
 * lines on a checkpoint. WebCrypto only.
 */
import { concat, sha256, toHex, utf8 } from '../core/encoding.js';
import { NoteError, parseEd25519Key, parseNote } from './signed-note.js';

/** c2sp.org/tlog-cosignature §Format: the vkey signature type of Ed25519 cosignatures. */
export const COSIGNATURE_V1_TYPE = 0x04;
/** c2sp.org/tlog-cosignature §Format: "It MUST NOT exceed 2^63 - 1". */
export const MAX_COSIGNATURE_TIME = (1n << 63n) - 1n;

/** A witness (cosigner) key a verifier trusts. */
export interface CosignerKey {
  name: string;
  /** The 4-byte key id, SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4]. */
  keyId: Uint8Array;
  /** The 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
  /** Verifies `signature` over `message` with this key. */
  verify(message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

/** A cosignature that verified: whose, and the time it states (POSIX seconds). */
export interface VerifiedCosignature {
  name: string;
  keyId: Uint8Array;
  timestamp: bigint;
}

/** c2sp.org/tlog-cosignature §Format: the key id, SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)[:4]. */
export async function cosignatureKeyId(name: string, publicKey: Uint8Array): Promise<Uint8Array> {
  return (await sha256(concat(utf8(name), Uint8Array.of(0x0a, COSIGNATURE_V1_TYPE), publicKey))).slice(0, 4);
}

/**
 * c2sp.org/tlog-cosignature §Ed25519 signed message: `cosignature/v1\n`, `time <decimal>\n`,
 * then the whole checkpoint note text (every line, extensions included, with its final newline).
 */
export function cosignatureMessage(checkpointText: string, timestamp: bigint): Uint8Array {
  if (timestamp < 0n || timestamp > MAX_COSIGNATURE_TIME) throw new NoteError('malformed_note', 'a cosignature timestamp is between 0 and 2^63 - 1');
  if (!checkpointText.endsWith('\n')) throw new NoteError('malformed_note', 'the checkpoint text must end with a newline');
  return utf8(`cosignature/v1\ntime ${timestamp.toString(10)}\n${checkpointText}`);
}

/** Reads the big-endian u64 `timestamped_signature.timestamp` at the start of `bytes`. */
function readU64(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

/** Writes `v` as a big-endian u64 (RFC 8446 §3.3). */
export function u64(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  for (let i = 7, x = v; i >= 0; i--, x >>= 8n) out[i] = Number(x & 0xffn);
  return out;
}

/**
 * Parses a cosigner vkey `<name>+<key id hex>+<base64(0x04 ‖ public key)>` (c2sp.org/signed-note
 * §Verifier keys with the type of c2sp.org/tlog-cosignature). Throws NoteError `bad_verifier_key`.
 */
export async function parseCosignerKey(vkey: string): Promise<CosignerKey> {
  return parseEd25519Key(vkey, COSIGNATURE_V1_TYPE, cosignatureKeyId, 'cosigner key');
}

const sameId = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Verifies the cosignature lines of `note` made by `cosigners` (c2sp.org/tlog-cosignature):
 * lines whose name and key id match no cosigner are ignored ("ignore any signature lines that
 * don't match the name and key ID"); a matching line that does not verify, or whose timestamp
 * exceeds 2^63 - 1, rejects the note (NoteError `signature_invalid`). Returns the cosignatures
 * that verified, one per cosigner key. Does not check the log's own signature.
 */
export async function verifyCosignatures(note: string, cosigners: readonly (string | CosignerKey)[]): Promise<VerifiedCosignature[]> {
  const keys = await Promise.all(cosigners.map((k) => (typeof k === 'string' ? parseCosignerKey(k) : k)));
  const { text, signatures } = parseNote(note);
  const found = new Map<string, VerifiedCosignature>();
  for (const sig of signatures) {
    const key = keys.find((k) => k.name === sig.name && sameId(k.keyId, sig.keyId));
    if (!key) continue;
    // timestamped_signature: u64 timestamp ‖ 64-byte Ed25519 signature.
    if (sig.signature.length !== 72) throw new NoteError('signature_invalid', `the cosignature of ${sig.name} is not a timestamped Ed25519 signature`);
    const timestamp = readU64(sig.signature);
    if (timestamp > MAX_COSIGNATURE_TIME) throw new NoteError('signature_invalid', `the cosignature of ${sig.name} has a timestamp above 2^63 - 1`);
    let ok = false;
    try {
      ok = await key.verify(cosignatureMessage(text, timestamp), sig.signature.slice(8));
    } catch {
      ok = false;
    }
    if (!ok) throw new NoteError('signature_invalid', `the cosignature of ${sig.name} does not verify`);
    const id = `${key.name}+${toHex(key.keyId)}`;
    if (!found.has(id)) found.set(id, { name: key.name, keyId: key.keyId, timestamp });
  }
  return [...found.values()];
}
