/**
 * The public keys that may have signed an access token: the key ring's `token` keys, active
 * and retired, and only those — a receipt or checkpoint key never verifies an
 * access token, whatever a token's header says. The set backed by `signing_keys` is
 * `src/keys/token-key-set.ts`.
 */

/** Looks up token verification keys by kid. */
export interface TokenKeySet {
  /** The Ed25519 public key of the token key `kid`, or undefined when no token key has that kid. */
  keyFor(kid: string): Promise<CryptoKey | undefined>;
}
