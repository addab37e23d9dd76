/**
 * The key ring backed by `signing_keys`: private keys come from configuration or are
 * generated on first start and stored sealed under the key-encryption key (see
 * `src/crypto/key-seal.ts`); in memory they are non-extractable CryptoKeys.
 */
import type { JWK } from 'jose';
import type { LogFn } from '../core/deps.js';
import { KeyError } from '../crypto/key-error.js';
import { importConfiguredKey, importPrivate, type PublicSigningJwk, type SigningKey } from '../crypto/key-material.js';
import { type ActiveKey, KEY_USES, type KeyRing, type KeyUse } from '../crypto/key-ring.js';
import { assertKek, openPrivateJwk } from '../crypto/key-seal.js';
import type { Clock, Random } from '../domain/runtime.js';
import type { Db } from '../storage/db.js';
import { type KeyRow, readKeyRows } from '../storage/signing-keys-repo.js';
import { installKeys } from './install-keys.js';

/** How to open the key ring. */
export interface KeyRingOptions {
  /** The 32-byte key-encryption key that seals stored private keys. */
  kek: Uint8Array;
  /** Private Ed25519 JWKs from configuration; a configured key becomes its use's active key. */
  configured?: Partial<Record<KeyUse, JWK>>;
  clock: Clock;
  /** Reserved: key generation and JWE IVs draw from WebCrypto's CSPRNG directly. */
  random: Random;
  /**
   * How long the in-memory copy of the table is trusted before `active()`/`jwks()` re-read it,
   * so a rotation by another process shows up; default 5 seconds.
   */
  refreshSeconds?: number;
  /** Told when a background re-read of the table fails (the current keys stay in use). */
  log?: LogFn;
}

const DEFAULT_REFRESH_SECONDS = 5;

/** A key ring backed by `signing_keys`, re-read at most every `refreshSeconds`. */
class StoredKeyRing implements KeyRing {
  readonly #active = new Map<KeyUse, ActiveKey>();
  #published: readonly PublicSigningJwk[] = [];
  #readAt = Number.NEGATIVE_INFINITY;
  #refreshing: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly opts: KeyRingOptions,
    private readonly configuredByKid: ReadonlyMap<string, SigningKey>,
  ) {}

  /**
   * Adopts `rows`. At start-up (`strict`) every use must end with a usable key. Later, if
   * another process activated a key this one cannot use (a key configured only there),
   * this process keeps signing with its current key, which stays published.
   */
  async adopt(rows: readonly KeyRow[], strict: boolean): Promise<void> {
    for (const use of KEY_USES) {
      const row = rows.find((r) => r.use === use && r.status === 'active');
      const current = this.#active.get(use);
      if (!row) {
        if (strict) throw new KeyError('key_unavailable', `there is no active ${use} signing key`);
        continue;
      }
      if (current?.kid === row.kid) continue;
      try {
        this.#active.set(use, await this.#unlock(row));
      } catch (err) {
        if (strict || !current) throw err;
      }
    }
    this.#published = rows.map((r) => Object.freeze(r.publicJwk));
    this.#readAt = this.opts.clock.now().getTime();
  }

  async #unlock(row: KeyRow): Promise<ActiveKey> {
    const configured = this.configuredByKid.get(row.kid);
    if (configured) return configured;
    if (!row.privateJwe) {
      throw new KeyError(
        'key_unavailable',
        `the active ${row.use} signing key ${row.kid} came from configuration and is not configured now: ` +
          `configure it again, or run \`permis keys rotate ${row.use}\` to generate a stored key`,
      );
    }
    const jwk = await openPrivateJwk(row.privateJwe, this.opts.kek, { kid: row.kid, x: row.publicJwk.x });
    return { kid: row.kid, privateKey: await importPrivate(jwk, `the stored ${row.use} key ${row.kid}`), publicJwk: row.publicJwk };
  }

  /**
   * Re-reads the table when the copy is older than `refreshSeconds`. `active()` does not wait
   * for it (stale-while-revalidate): it is called inside the caller's transactions, and on
   * PGlite or a one-connection pool a query outside that transaction would wait for it forever.
   */
  #fresh(wait: boolean): Promise<void> {
    const ttlMs = (this.opts.refreshSeconds ?? DEFAULT_REFRESH_SECONDS) * 1000;
    if (this.opts.clock.now().getTime() - this.#readAt < ttlMs) return Promise.resolve();
    this.#refreshing ??= (async () => this.adopt(await readKeyRows(this.db), false))().finally(() => {
      this.#refreshing = undefined;
    });
    if (wait) return this.#refreshing;
    // Retried on a later call; the current keys stay usable meanwhile.
    this.#refreshing.catch((err: unknown) =>
      this.opts.log?.('warn', 'signing keys could not be re-read', { message: err instanceof Error ? err.message : String(err) }),
    );
    return Promise.resolve();
  }

  async active(use: KeyUse): Promise<ActiveKey> {
    await this.#fresh(false);
    const key = this.#active.get(use);
    if (!key) throw new KeyError('key_unavailable', `there is no active ${use} signing key`);
    return key;
  }

  /** Waits for a due re-read, so call it outside any transaction (the JWKS route does). */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.#fresh(true);
    return { keys: this.#published.map((k) => ({ ...k })) };
  }
}

/**
 * Opens the key ring: installs configured keys (each becomes its use's active key),
 * generates and seals a key for every other use that has none, then unseals the active
 * keys. Safe when several processes start at once. Throws KeyError — `kek_mismatch` for a
 * wrong key-encryption key, `key_invalid` for a bad configured key — at start-up, never later.
 */
export async function openKeyRing(db: Db, opts: KeyRingOptions): Promise<KeyRing> {
  assertKek(opts.kek);
  const configured = new Map<KeyUse, SigningKey>();
  for (const use of KEY_USES) {
    const jwk = opts.configured?.[use];
    if (jwk) configured.set(use, await importConfiguredKey(jwk, `the configured ${use} signing key`));
  }
  const xs = [...configured.values()].map((k) => k.publicJwk.x);
  if (new Set(xs).size !== xs.length) {
    throw new KeyError('key_conflict', 'the same key is configured for several uses: every use needs its own key');
  }
  const rows = await installKeys(db, opts, configured);
  const ring = new StoredKeyRing(db, opts, new Map([...configured.values()].map((k) => [k.kid, k])));
  await ring.adopt(rows, true);
  return ring;
}
