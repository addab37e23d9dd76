/** Reading the benchmark's settings from the environment. */

/** The integer `name` from the environment (default `def`), checked to lie in `min…max`. */
export function envInt(name: string, def: number, min: number, max: number): number {
  const raw = process.env[name];
  const v = raw === undefined || raw === '' ? def : Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${name} must be an integer in ${min}…${max}`);
  return v;
}
