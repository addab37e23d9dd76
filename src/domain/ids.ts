import type { Clock, Random } from './runtime.js';

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

let lastMs = -1;
let seq = 0;

/**
 * Returns a UUIDv7 (RFC 9562 §5.7): 48-bit Unix milliseconds, version 7, variant 10,
 * the rest random. Ids made in one process sort in creation order, even within one
 * millisecond: rand_a is a 12-bit counter seeded randomly each millisecond (RFC 9562 §6.2, method 1).
 */
export function uuidv7(clock: Clock, random: Random): string {
  const b = random.bytes(16);
  let now = clock.now().getTime();
  if (now <= lastMs) {
    seq++;
    now = lastMs;
    if (seq > 0xfff) {
      now = lastMs + 1; // counter overflow: borrow the next millisecond (RFC 9562 §6.2)
      seq = (b[7]! & 0x7f) | 0;
    }
  } else {
    seq = ((b[6]! & 0x07) << 8) | b[7]!; // 11 random bits leave room to count up
  }
  lastMs = now;
  b[6] = seq >> 8;
  b[7] = seq & 0xff;
  let ms = BigInt(now);
  for (let i = 5; i >= 0; i--) {
    b[i] = Number(ms & 0xffn);
    ms >>= 8n;
  }
  b[6] = (b[6]! & 0x0f) | 0x70; // version 7
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** True when `s` is a syntactically valid UUID (any version), lowercase or not. */
export function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}
