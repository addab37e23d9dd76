/**
 * Making witness cosignatures (c2sp.org/tlog-cosignature, Ed25519 `cosignature/v1`): the signer,
 * the signature line over a checkpoint and the cosigner vkey (type 0x04). Verifying is the
 * SDK's (`@permis/sdk/verify`), re-exported so the witness, the log and clients share it.
 */
import { COSIGNATURE_V1_TYPE, cosignatureKeyId, cosignatureMessage, MAX_COSIGNATURE_TIME, u64 } from '@permis/sdk/verify';
import { b64, concat, toHex } from '@permis/sdk/encoding';
import { isValidKeyName, NoteError } from './signed-note.js';

export {
  COSIGNATURE_V1_TYPE,
  cosignatureKeyId,
  cosignatureMessage,
  type CosignerKey,
  parseCosignerKey,
  type VerifiedCosignature,
  verifyCosignatures,
} from '@permis/sdk/verify';

/** A cosigner: its name, key id, public key and a signing function over its Ed25519 private key. */
export interface Cosigner {
  name: string;
  keyId: Uint8Array;
  publicKey: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** A cosigner over an Ed25519 private CryptoKey and its 32-byte public key. */
export async function ed25519Cosigner(name: string, privateKey: CryptoKey, publicKey: Uint8Array): Promise<Cosigner> {
  if (!isValidKeyName(name)) throw new NoteError('bad_verifier_key', 'key names must be non-empty, without spaces or "+"');
  if (publicKey.length !== 32) throw new NoteError('bad_verifier_key', 'an Ed25519 public key is 32 bytes');
  return {
    name,
    keyId: await cosignatureKeyId(name, publicKey),
    publicKey,
    sign: async (message) => new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, message as BufferSource)),
  };
}

/** The cosigner vkey `<name>+<key id hex>+<base64(0x04 ‖ public key)>` (c2sp.org/tlog-cosignature §Format). */
export function formatCosignerKey(cosigner: Pick<Cosigner, 'name' | 'keyId' | 'publicKey'>): string {
  return `${cosigner.name}+${toHex(cosigner.keyId)}+${b64(concat(Uint8Array.of(COSIGNATURE_V1_TYPE), cosigner.publicKey))}`;
}

/**
 * The cosignature line `— <name> base64(key id ‖ u64 timestamp ‖ signature)\n` over
 * `checkpointText` (the note text, without signature lines) at `timestamp` POSIX seconds
 * (c2sp.org/tlog-cosignature §Format and §Ed25519 signed message). The timestamp must be
 * positive (c2sp.org/tlog-witness: "the timestamp MUST NOT be zero").
 */
export async function cosignatureLine(checkpointText: string, cosigner: Cosigner, timestamp: bigint): Promise<string> {
  if (timestamp <= 0n || timestamp > MAX_COSIGNATURE_TIME) throw new NoteError('malformed_note', 'a cosignature timestamp is between 1 and 2^63 - 1');
  const signature = await cosigner.sign(cosignatureMessage(checkpointText, timestamp));
  return `\u2014 ${cosigner.name} ${b64(concat(cosigner.keyId, u64(timestamp), signature))}\n`;
}
