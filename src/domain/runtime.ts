/** Injected time and randomness, so every rule is deterministic under test. */
export interface Clock {
  /** Current time. */
  now(): Date;
}

/** Source of cryptographically strong random bytes. */
export interface Random {
  /** Returns `n` fresh random bytes. */
  bytes(n: number): Uint8Array;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };

/** WebCrypto's CSPRNG, available on Node.js and Workers alike. */
export const systemRandom: Random = {
  bytes(n) {
    const out = new Uint8Array(n);
    crypto.getRandomValues(out);
    return out;
  },
};
