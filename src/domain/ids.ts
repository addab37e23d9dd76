import type { Clock, Random } from './runtime.js';

/** Two lowercase hex digits for every byte value. */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Random bytes are drawn POOL_BYTES at a time and handed out ten per id: one CSPRNG call
 * (crypto.getRandomValues) per ~400 ids instead of one per id, as the `uuid` package pools
 * its random bytes. Pooled per Random, so an injected source (tests) still supplies every byte.
 */
const POOL_BYTES = 4000;
const RANDOM_PER_ID = 10;
const pools = new WeakMap<Random, { bytes: Uint8Array; at: number }>();

function randomFor(random: Random): { bytes: Uint8Array; at: number } {
  let pool = pools.get(random);
  if (!pool || pool.at + RANDOM_PER_ID > pool.bytes.length) {
    pool = { bytes: random.bytes(POOL_BYTES), at: 0 };
    pools.set(random, pool);
  }
  return pool;
}

let lastMs = -1;
let seq = 0;

/**
 * Returns a UUIDv7 (RFC 9562 §5.7): 48-bit Unix milliseconds, version 7, variant 10,
 * the rest random. Ids made in one process sort in creation order, even within one
 * millisecond: rand_a is a 12-bit counter seeded randomly each millisecond (RFC 9562 §6.2, method 1).
 */
export function uuidv7(clock: Clock, random: Random): string {
  const pool = randomFor(random);
  const r = pool.bytes;
  const o = pool.at;
  pool.at += RANDOM_PER_ID;
  let now = clock.now().getTime();
  if (now <= lastMs) {
    seq++;
    now = lastMs;
    if (seq > 0xfff) {
      now = lastMs + 1; // counter overflow: borrow the next millisecond (RFC 9562 §6.2)
      seq = r[o + 1]! & 0x7f;
    }
  } else {
    seq = ((r[o]! & 0x07) << 8) | r[o + 1]!; // 11 random bits leave room to count up
  }
  lastMs = now;
  // unix_ts_ms: 48 bits, big-endian — the top 32 and the low 16 (exact in a double).
  const high = Math.floor(now / 0x10000);
  const low = now % 0x10000;
  return (
    HEX[(high >>> 24) & 0xff]! + HEX[(high >>> 16) & 0xff]! + HEX[(high >>> 8) & 0xff]! + HEX[high & 0xff]! + '-' +
    HEX[low >>> 8]! + HEX[low & 0xff]! + '-' +
    HEX[0x70 | (seq >>> 8)]! + HEX[seq & 0xff]! + '-' + // version 7, then rand_a
    HEX[(r[o + 2]! & 0x3f) | 0x80]! + HEX[r[o + 3]!]! + '-' + // RFC 9562 variant
    HEX[r[o + 4]!]! + HEX[r[o + 5]!]! + HEX[r[o + 6]!]! + HEX[r[o + 7]!]! + HEX[r[o + 8]!]! + HEX[r[o + 9]!]!
  );
}

/** True when `s` is a syntactically valid UUID (any version), lowercase or not. */
export function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}
