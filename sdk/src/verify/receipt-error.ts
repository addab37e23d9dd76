import { VerificationError } from './verification-error.js';

/** Why a receipt was refused: stable codes, one per way a receipt can be wrong. */
export type ReceiptFailure =
  /** Not a compact JWS, or its header or payload is not a JSON object. */
  | 'malformed'
  /** The header's `alg` is not `EdDSA`. */
  | 'unsupported_alg'
  /** The header's `typ` is not `consent-receipt+jwt`. */
  | 'wrong_typ'
  /** The header has no `kid`. */
  | 'missing_kid'
  /** No key of the JWKS has the header's `kid`. */
  | 'unknown_kid'
  /** The key with that `kid` is not an Ed25519 public key. */
  | 'bad_key'
  /** The JWS signature does not verify with the key. */
  | 'signature_invalid'
  /** A claim is missing, has the wrong type, or contradicts the terms. */
  | 'claims_invalid'
  /** `iss` is not the expected issuer. */
  | 'issuer_mismatch'
  /** `termsHash` is not the RFC 8785 SHA-256 of `terms`. */
  | 'terms_hash_mismatch'
  /** `predecessorHash` is not the hash of the expected previous receipt. */
  | 'predecessor_mismatch'
  /** The citizen's passkey signature is malformed or does not verify. */
  | 'citizen_signature_invalid'
  /** The passkey signed a challenge that is not SHA-256(nonce ‖ termsHash). */
  | 'challenge_mismatch'
  /** The WebAuthn client data is not a `webauthn.get` JSON object. */
  | 'client_data_invalid'
  /** The ceremony ran at another origin than the expected one. */
  | 'origin_mismatch'
  /** The passkey belongs to another relying party than the expected one. */
  | 'rp_id_mismatch';

/** A refused receipt; `reason` says exactly what is wrong. */
export class ReceiptError extends VerificationError<ReceiptFailure> {
  constructor(reason: ReceiptFailure, message: string) {
    super(reason, message);
    this.name = 'ReceiptError';
  }
}
