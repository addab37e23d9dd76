/**
 * The log's canonical JSON (src/crypto/canonical-json.ts) writes exactly what the `canonicalize`
 * package writes (RFC 8785), on the values the log serialises and on random ones, and refuses
 * what it refuses.
 */
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalJsonText } from '../src/crypto/canonical-json.js';

/** A deterministic generator (mulberry32), so a failure can be replayed. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['a', 'Z', '0', ' ', '"', '\\', '/', '\n', '\t', '\u0000', '\u001f', '\u007f', '\u00e9', '\u2028', '\u20ac', '\ud83d\ude00', '\ufeff', 'subjectRef', '~1'];
const NUMBERS = [0, -0, 1, -1, 0.1, 1.5e-7, 1e21, 1e-7, 123456789012345680000, 5e-324, Number.MAX_SAFE_INTEGER, -1.7976931348623157e308, 333333333.3333333];

function randomValue(r: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const str = () => Array.from({ length: Math.floor(r() * 5) }, () => pick(PIECES)).join('');
  const k = r();
  if (depth > 4 || k < 0.3) return pick([() => str(), () => pick(NUMBERS), () => r() * 1e6 - 5e5, () => r() < 0.5, () => null])();
  if (k < 0.6) return Array.from({ length: Math.floor(r() * 5) }, () => (r() < 0.05 ? undefined : randomValue(r, depth + 1)));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 6); i > 0; i--) o[str()] = r() < 0.05 ? undefined : randomValue(r, depth + 1);
  return o;
}

describe('canonical JSON (RFC 8785)', () => {
  it('matches the canonicalize package on random JSON values', () => {
    const r = rng(8785);
    for (let i = 0; i < 5000; i++) {
      const v = randomValue(r, 0);
      expect(canonicalJsonText(v)).toBe(canonicalize(v));
    }
  });

  it('matches it on a leaf-shaped event, dates and the RFC 8785 sorting example', () => {
    const leaf = { v: 1, id: '0190', type: 'consent.checked', actorType: 'service', actorId: 's', citizenId: 'sha256:x', serviceId: null, consentId: null, requestId: 'r', data: { purpose: 'p', decision: 'deny', reason: 'no_consent' }, createdAt: '2026-01-02T03:04:05.678901Z' };
    expect(canonicalJsonText(leaf)).toBe(canonicalize(leaf));
    expect(canonicalJsonText({ at: new Date(0) })).toBe(canonicalize({ at: new Date(0) }));
    // RFC 8785 §3.2.3: names sorted by UTF-16 code units.
    const sorting = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    expect(canonicalJsonText(sorting)).toBe(canonicalize(sorting));
  });

  it('refuses what is not JSON text', () => {
    for (const bad of [NaN, Infinity, { a: -Infinity }, ['\ud800'], { '\udc00': 1 }, 'a\ud83d']) {
      expect(() => canonicalize(bad)).toThrow();
      expect(() => canonicalJsonText(bad)).toThrow();
    }
    expect(() => canonicalJsonText(undefined)).toThrow(TypeError);
    expect(() => canonicalJsonText(10n)).toThrow(TypeError);
  });
});
