/**
 * Request bodies for the load, generated before the measurement so the load generator only
 * replays strings: checks of random subjectRefs of the measured service (SERVICES[0]) across
 * the whole seeded set, mostly for terms their consent covers (a permit when it is active),
 * some for a category or purpose it does not cover, and some for subjectRefs never seeded.
 */
import { prng, SERVICES, subjectRef, type Variant, variantOf, variantsOf } from './layout.js';

/** One check as the API takes it. */
export interface CheckBody {
  subjectRef: string;
  purpose: string;
  dataCategory?: string;
  dataCategories?: string[];
  processing?: string[];
}

const S = 0;

/** A generator of checks over `subjects` subjects of the measured service. */
export function checkGenerator(subjects: number, seed = 42): () => CheckBody {
  const rnd = prng(seed);
  const def = SERVICES[S]!;
  const variants = variantsOf(S);
  const one = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const some = (xs: readonly string[], max: number): string[] => {
    const pool = [...xs];
    const n = 1 + Math.floor(rnd() * Math.min(max, pool.length));
    const out: string[] = [];
    while (out.length < n) out.push(pool.splice(Math.floor(rnd() * pool.length), 1)[0]!);
    return out;
  };
  const categories = (list: string[]): Pick<CheckBody, 'dataCategory' | 'dataCategories'> =>
    list.length === 1 && rnd() < 0.5 ? { dataCategory: list[0]! } : { dataCategories: list };

  return () => {
    const r = rnd();
    if (r < 0.03) {
      // A subjectRef the service never asked about: deny no_consent.
      const k = subjects + Math.floor(rnd() * subjects);
      return { subjectRef: subjectRef(S, k), purpose: one(def.purposes), ...categories([one(def.categories)]) };
    }
    const k = Math.floor(rnd() * subjects);
    const v: Variant = variants[variantOf(S, k)]!;
    const ref = subjectRef(S, k);
    const q = rnd();
    if (q < 0.85) {
      const body: CheckBody = { subjectRef: ref, purpose: one(v.purposes), ...categories(some(v.categories, 3)) };
      if (rnd() < 0.5) body.processing = some(v.processing, 2);
      return body;
    }
    if (q < 0.93) {
      const outside = def.categories.filter((c) => !v.categories.includes(c));
      return { subjectRef: ref, purpose: one(v.purposes), dataCategories: [one(v.categories), ...(outside.length ? [one(outside)] : [])] };
    }
    const otherPurposes = def.purposes.filter((p) => !v.purposes.includes(p));
    return { subjectRef: ref, purpose: one(otherPurposes.length ? otherPurposes : v.purposes), ...categories([one(v.categories)]) };
  };
}

/** `n` single-check bodies and `batches` batch bodies of `perBatch` items, as JSON strings. */
export function makeBodies(subjects: number, n: number, batches: number, perBatch: number): { single: string[]; batch: string[] } {
  const next = checkGenerator(subjects);
  const single = Array.from({ length: n }, () => JSON.stringify(next()));
  const batch = Array.from({ length: batches }, () => JSON.stringify({ items: Array.from({ length: perBatch }, next) }));
  return { single, batch };
}
