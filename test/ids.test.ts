import { describe, expect, it } from 'vitest';
import { isUuid, uuidv7 } from '../src/domain/ids.js';
import { type Random, systemRandom } from '../src/domain/runtime.js';

const fixedClock = (ms: number) => ({ now: () => new Date(ms) });

/** A Random that counts its calls and the bytes it hands out. */
function countingRandom(): Random & { calls: number; bytesOut: number } {
  const r = {
    calls: 0,
    bytesOut: 0,
    bytes(n: number) {
      r.calls++;
      r.bytesOut += n;
      return systemRandom.bytes(n);
    },
  };
  return r;
}

describe('uuidv7', () => {
  it('is a version-7, variant-10 UUID whose first 48 bits are the Unix milliseconds (RFC 9562 §5.7)', () => {
    const ms = Date.UTC(2026, 11, 6, 5, 30, 0, 123);
    const id = uuidv7(fixedClock(ms), systemRandom);
    expect(isUuid(id)).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
  });

  it('sorts in creation order within one millisecond, and across the counter overflow', () => {
    const clock = fixedClock(Date.UTC(2030, 0, 1));
    const ids = Array.from({ length: 10_000 }, () => uuidv7(clock, systemRandom));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('draws its random bytes in batches, not once per id', () => {
    const random = countingRandom();
    const clock = fixedClock(Date.UTC(2031, 0, 1));
    for (let i = 0; i < 1000; i++) uuidv7(clock, random);
    expect(random.calls).toBeLessThanOrEqual(3);
    expect(random.bytesOut).toBeGreaterThanOrEqual(1000 * 10);
  });

  it('takes every random bit from the injected source', () => {
    const zeros: Random = { bytes: (n) => new Uint8Array(n) };
    const ones: Random = { bytes: (n) => new Uint8Array(n).fill(0xff) };
    const a = uuidv7(fixedClock(Date.UTC(2032, 0, 1)), zeros);
    const b = uuidv7(fixedClock(Date.UTC(2032, 0, 2)), ones);
    expect(a.slice(15)).toBe('000-8000-000000000000');
    expect(b.slice(15)).toBe('7ff-bfff-ffffffffffff');
  });
});
