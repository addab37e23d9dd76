/**
 * The key ring's contract: one active Ed25519 signing key per use (receipts, access tokens,
 * log checkpoints) plus the retired ones still published for verification. The ring backed
 * by the `signing_keys` table is `src/keys/open-key-ring.ts`.
 */
import type { JWK } from 'jose';

/** Which job a signing key does; each use has its own Ed25519 key. */
export type KeyUse = 'receipt' | 'token' | 'checkpoint';

/** The three uses, each with its own key. */
export const KEY_USES: readonly KeyUse[] = ['receipt', 'token', 'checkpoint'];

/** The active private key of a use, ready to sign. */
export interface ActiveKey {
  kid: string;
  /** Non-extractable: the private key can sign but can never be exported. */
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** Signing keys for receipts, tokens and checkpoints, with the public JWKS. */
export interface KeyRing {
  /**
   * The active key for `use`. Never waits on the database, so it is safe inside a transaction;
   * a rotation by another process is picked up within a few seconds.
   */
  active(use: KeyUse): Promise<ActiveKey>;
  /**
   * Every public key, active and retired, as a JWK Set (RFC 7517 §5), re-read from the
   * database every few seconds; call it outside transactions. Holds no private members.
   */
  jwks(): Promise<{ keys: JWK[] }>;
}

