/**
 * A small bounded LRU of verified access-token claims (the check path verifies a
 * token once and caches the verified claims until expiry). Keyed by the token string, so
 * only a byte-identical token can hit; entries are dropped once their `exp` has passed.
 */

/** Claims worth caching: anything with an `exp` in seconds since the epoch. */
export interface Expiring {
  exp: number;
}

/** A least-recently-used map from token to verified claims, at most `capacity` entries. */
export class TokenCache<T extends Expiring> {
  readonly #entries = new Map<string, T>();

  constructor(readonly capacity = 10_000) {}

  /** The claims cached for `token` if they have not expired at `nowMs`; refreshes its recency. */
  get(token: string, nowMs: number): T | undefined {
    const hit = this.#entries.get(token);
    if (hit === undefined) return undefined;
    this.#entries.delete(token);
    if (hit.exp * 1000 <= nowMs) return undefined;
    this.#entries.set(token, hit); // Map keeps insertion order: re-inserting marks it most recent
    return hit;
  }

  /** Caches `claims` for `token`, evicting the least recently used entry when full. */
  set(token: string, claims: T): void {
    this.#entries.delete(token);
    if (this.#entries.size >= this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, claims);
  }

  /** How many entries are held (expired ones included until touched or evicted). */
  get size(): number {
    return this.#entries.size;
  }
}
