/**
 * The shape of the benchmark's data set, shared by the seeder (which writes it with SQL) and
 * the load generator (which asks about it): city services with terms from the seeded
 * catalogue (migrations/0002), and per service `subjectsPerService` subjectRefs, each with
 * one consent of a deterministic "variant" of terms and status, plus an older withdrawn
 * consent for one subject in ten. The same integer hashes are computed in SQL and here, so
 * the load generator knows what each subjectRef holds without reading the database.
 */

/** A city service of the benchmark and what its registration allows. */
export interface BenchServiceDef {
  clientId: string;
  name: string;
  /** subjectRef prefix; subjectRef = prefix + the subject number padded to 7 digits. */
  prefix: string;
  purposes: string[];
  categories: string[];
  processing: string[];
}

/** Purpose caps in days (catalogue `max_validity_days`). */
export const PURPOSE_CAP_DAYS: Record<string, number> = {
  'social-services-eligibility': 730,
  'energy-poverty-support': 365,
  'housing-assistance': 730,
  'home-care-support': 730,
  'school-enrolment': 365,
  'municipal-fee-reductions': 365,
  'library-services': 1825,
  'waste-collection': 1825,
  'energy-transition': 730,
  'mobility-planning': 365,
  'public-health-programmes': 730,
  'civil-protection-alerts': 1825,
  'civic-participation-notices': 730,
  'cultural-activities': 365,
  'service-improvement': 365,
  'official-statistics': 1825,
  'scientific-research': 1095,
};

/** The services; the first one is the service whose checks are measured. */
export const SERVICES: BenchServiceDef[] = [
  {
    clientId: 'bench-social-services',
    name: 'Serveis socials (bench)',
    prefix: 'SS-',
    purposes: ['social-services-eligibility', 'energy-poverty-support', 'housing-assistance', 'home-care-support'],
    categories: ['name', 'official-id', 'postal-address', 'census-registration', 'household-composition', 'income-band', 'income', 'housing-tenure', 'energy-consumption', 'disability'],
    processing: ['consult', 'use', 'match', 'combine', 'share'],
  },
  {
    clientId: 'bench-education',
    name: 'Educació (bench)',
    prefix: 'ED-',
    purposes: ['school-enrolment', 'municipal-fee-reductions'],
    categories: ['name', 'birth-date', 'postal-address', 'census-registration', 'household-composition', 'income-band', 'school-records'],
    processing: ['consult', 'use', 'match'],
  },
  {
    clientId: 'bench-libraries',
    name: 'Biblioteques (bench)',
    prefix: 'BI-',
    purposes: ['library-services', 'cultural-activities', 'service-improvement'],
    categories: ['name', 'email-address', 'preferred-language', 'library-loans', 'interests', 'age-range'],
    processing: ['store', 'use', 'analyse', 'pseudonymise'],
  },
  {
    clientId: 'bench-mobility',
    name: 'Mobilitat (bench)',
    prefix: 'MO-',
    purposes: ['mobility-planning', 'official-statistics', 'scientific-research'],
    categories: ['age-range', 'postal-address', 'location', 'travel-history'],
    processing: ['collect', 'analyse', 'pseudonymise', 'anonymise'],
  },
  {
    clientId: 'bench-energy',
    name: 'Energia (bench)',
    prefix: 'EN-',
    purposes: ['energy-transition', 'energy-poverty-support', 'municipal-fee-reductions'],
    categories: ['name', 'postal-address', 'energy-consumption', 'income-band', 'housing-tenure', 'bank-account'],
    processing: ['consult', 'use', 'analyse', 'share'],
  },
  {
    clientId: 'bench-health-alerts',
    name: 'Salut i protecció civil (bench)',
    prefix: 'HA-',
    purposes: ['public-health-programmes', 'civil-protection-alerts', 'civic-participation-notices'],
    categories: ['name', 'telephone-number', 'email-address', 'postal-address', 'age-range', 'health', 'preferred-language'],
    processing: ['store', 'use', 'consult'],
  },
];

/** Variants of terms per service. */
export const VARIANTS = 64;

/** One variant of a service's consent terms. */
export interface Variant {
  purposes: string[];
  categories: string[];
  processing: string[];
  /** Consent duration in days, within the strictest purpose cap. */
  validDays: number;
}

/** A small deterministic PRNG (mulberry32): uniform in [0, 1), the same sequence for the same seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (rnd: () => number, from: string[], min: number, max: number): string[] => {
  const n = Math.min(from.length, min + Math.floor(rnd() * (max - min + 1)));
  const pool = [...from];
  const out: string[] = [];
  while (out.length < n) out.push(pool.splice(Math.floor(rnd() * pool.length), 1)[0]!);
  return out.sort();
};

/** The VARIANTS term variants of service number `s` (sorted, duplicate-free codes, like normaliseCodes). */
export function variantsOf(s: number): Variant[] {
  const def = SERVICES[s]!;
  const rnd = prng(0xbe7c4 + s);
  return Array.from({ length: VARIANTS }, () => {
    const purposes = pick(rnd, def.purposes, 1, 2);
    const cap = Math.min(...purposes.map((p) => PURPOSE_CAP_DAYS[p] ?? 365));
    return {
      purposes,
      categories: pick(rnd, def.categories, 2, 5),
      processing: pick(rnd, def.processing, 1, 3),
      validDays: Math.min(cap, 365),
    };
  });
}

/** How many subjects each service has so that the consents (1.1 per subject) reach `consents`. */
export function subjectsPerService(consents: number): number {
  let k = Math.ceil(consents / SERVICES.length / 1.1);
  while (SERVICES.length * consentsPerService(k) < consents) k++;
  return k;
}

/** Consents per service for `k` subjects: one each, plus an older one for every tenth. */
export const consentsPerService = (k: number): number => k + Math.ceil(k / 10);

/** Citizens for `k` subjects per service: more than k, so subject → citizen is one-to-one per service. */
export const citizensFor = (k: number): number => Math.ceil(k * 1.25);

/** The subjectRef of subject `k` of service `s`. */
export const subjectRef = (s: number, k: number): string => `${SERVICES[s]!.prefix}${String(k).padStart(7, '0')}`;

/** SQL twin: `variantSql`. The variant number of subject `k` of service `s`. */
export const variantOf = (s: number, k: number): number => (k * 2654435761 + s * 97) % VARIANTS;

/** SQL twin: `statusSql`. The status draw (0…999) of subject `k` of service `s`. */
export const statusDrawOf = (s: number, k: number): number => (k * 40503 + s * 9973) % 1000;

/**
 * Status of a subject's current consent from its draw: 82 % active, 6 % withdrawn,
 * 5 % paused, 3 % expired (swept), 2 % revoked, 2 % active but past validUntil (not yet swept).
 */
export function statusOf(draw: number): { status: 'active' | 'withdrawn' | 'paused' | 'expired' | 'revoked'; lapsed: boolean } {
  if (draw < 820) return { status: 'active', lapsed: false };
  if (draw < 880) return { status: 'withdrawn', lapsed: false };
  if (draw < 930) return { status: 'paused', lapsed: false };
  if (draw < 960) return { status: 'expired', lapsed: true };
  if (draw < 980) return { status: 'revoked', lapsed: false };
  return { status: 'active', lapsed: true };
}
