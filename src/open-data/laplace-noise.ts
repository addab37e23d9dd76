/**
 * Optional calibrated noise for a release: the discrete Laplace (two-sided geometric)
 * mechanism, which gives ε-differential privacy for integer counts of L1 sensitivity Δ when
 * drawn with parameter exp(−ε/Δ) (Ghosh, Roughgarden and Sundararajan, 2009). Integer noise
 * avoids the floating-point attacks on the continuous Laplace mechanism (Mironov, 2012).
 *
 * Deterministic by design: each count's noise comes from HMAC-SHA-256(seed, its name), so a
 * release recomputed at its checkpoint with the same secret seed is byte-identical, and no
 * count's noise depends on the order in which counts are computed. The seed must stay secret:
 * whoever knows it can subtract the noise.
 */
import { utf8 } from '@permis/sdk/encoding';

/** A source of noise for named counts. */
export interface NoiseSource {
  /** ε of the release (the privacy budget per event). */
  epsilon: number;
  /** Δ: how many published counts one event can change. */
  sensitivity: number;
  /** The integer noise for the count named `name`. */
  noise(name: string): Promise<number>;
}

/** Uniform in (0, 1] from 53 bits. */
function unit(bytes: Uint8Array, offset: number): number {
  let x = 0;
  for (let i = 0; i < 7; i++) x = x * 256 + bytes[offset + i]!;
  x = Math.floor(x / 8); // 53 bits
  return (x + 1) / 2 ** 53;
}

/**
 * A geometric variate, number of failures before the first success with success probability
 * 1 − α: ⌊ln U / ln α⌋ by inversion.
 */
function geometric(u: number, alpha: number): number {
  return Math.floor(Math.log(u) / Math.log(alpha));
}

/**
 * The discrete Laplace variate from 14 random bytes: the difference of two independent
 * geometric variates with parameter α = exp(−ε/Δ) has P(X = x) ∝ α^|x|.
 */
export function discreteLaplace(bytes: Uint8Array, epsilon: number, sensitivity: number): number {
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new RangeError('epsilon must be a positive number');
  if (!(sensitivity > 0)) throw new RangeError('sensitivity must be positive');
  if (bytes.length < 14) throw new RangeError('need 14 random bytes');
  const alpha = Math.exp(-epsilon / sensitivity);
  return geometric(unit(bytes, 0), alpha) - geometric(unit(bytes, 7), alpha);
}

/**
 * Noise keyed by `seed` (32 secret bytes derived for one release): the noise of a count named
 * `name` is the discrete Laplace variate drawn from HMAC-SHA-256(seed, name).
 */
export async function seededNoise(seed: Uint8Array, epsilon: number, sensitivity: number): Promise<NoiseSource> {
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new RangeError('epsilon must be a positive number');
  const key = await crypto.subtle.importKey('raw', seed as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return {
    epsilon,
    sensitivity,
    async noise(name) {
      const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(name) as BufferSource));
      return discreteLaplace(mac, epsilon, sensitivity);
    },
  };
}
