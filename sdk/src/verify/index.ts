/**
 * `@permis/sdk/verify`: offline verification of what Permís signs — consent receipts (JWS with
 * the citizen's passkey signature), C2SP checkpoints, and RFC 9162 inclusion and consistency
 * proofs, witness cosignatures and tlog-policy quorums. Web-standard APIs only: runs in Node ≥ 20.19, browsers and Workers, and is also what
 * the Permís server itself verifies with.
 */
export { VerificationError } from './verification-error.js';
export { emptyRoot, HASH_SIZE, leafHash, MerkleProofError, nodeHash, type ProofFailure, verifyConsistency, verifyInclusion } from './merkle.js';
export {
  assertNoteText,
  ED25519_NOTE_TYPE,
  ed25519KeyId,
  isValidKeyName,
  NoteError,
  type NoteFailure,
  type NoteSignature,
  type NoteVerifier,
  parseNote,
  parseVerifierKey,
  verifyNote,
} from './signed-note.js';
export { type Checkpoint, parseCheckpoint, verifyCheckpoint, type VerifiedCheckpoint } from './checkpoint.js';
export {
  COSIGNATURE_V1_TYPE,
  cosignatureKeyId,
  cosignatureMessage,
  type CosignerKey,
  MAX_COSIGNATURE_TIME,
  parseCosignerKey,
  u64,
  type VerifiedCosignature,
  verifyCosignatures,
} from './cosignature.js';
export { formatTlogProof, parseTlogProof, TLOG_PROOF_HEADER, type TlogProof, verifyTlogProof } from './tlog-proof.js';
export { parsePolicy, type Policy, type PolicyGroup, type PolicyLog, type PolicyWitness, quorumMet } from './policy.js';
export { type ReceiptFailure, ReceiptError } from './receipt-error.js';
export {
  computeTermsHash,
  decodeReceiptUnverified,
  type JwkSet,
  RECEIPT_TYP,
  type ReceiptClaims,
  receiptHash,
  type VerifiedReceipt,
  verifyReceipt,
  verifyReceiptChain,
  type VerifyReceiptOptions,
} from './receipt.js';
export { type CitizenSignature, type CitizenSignatureOptions, verifyCitizenSignature, type VerifiedCitizenSignature } from './passkey-signature.js';
export { verifyInclusionProof, verifyConsistencyProof, verifyAccessLogPage, type AccessLogEntryProof, type InclusionProofBody, type ConsistencyProofBody, type WitnessedCheckpointInput } from './log-proofs.js';
export { bytesEqual, b64, b64url, fromB64 } from '../core/encoding.js';
