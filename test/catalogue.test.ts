/** The seeded catalogue, its read API and the vocabulary rules the consent code relies on. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertTermsAllowed,
  assertTermsKnown,
  type CatalogueTerm,
  DEFAULT_VALIDITY_DAYS,
  sensitiveCategories,
  validityCapDays,
} from '../src/domain/catalogue.js';
import { PermisError, RuleError } from '../src/domain/errors.js';
import { findTerms, getTerm, listCatalogue, resolveTerms } from '../src/storage/catalogue-repo.js';
import { expectProblem } from './support/expect-problem.js';
import { createTestContext, type TestContext } from './support/harness.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  expect(ctx.logged.filter((l) => l.level === 'error')).toEqual([]);
  await ctx?.close();
});

const get = (path: string) => ctx.app.request(path);

/** Runs `fn` and returns the PermisError it throws (fails the test if it does not throw one). */
async function permisError(fn: () => unknown): Promise<PermisError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PermisError);
    return err as PermisError;
  }
  throw new Error('expected a PermisError');
}

describe('the seed', () => {
  it('has at least 10 purposes, 15 data categories and 8 processing operations', async () => {
    const terms = await listCatalogue(ctx.db);
    const count = (k: string) => terms.filter((t) => t.kind === k).length;
    expect(count('purpose')).toBeGreaterThanOrEqual(10);
    expect(count('category')).toBeGreaterThanOrEqual(15);
    expect(count('processing')).toBeGreaterThanOrEqual(8);
  });

  it('gives every term a label and a description in ca, es and en, and a well-formed DPV code or none', async () => {
    const terms = await listCatalogue(ctx.db);
    for (const t of terms.filter((x) => !x.code.startsWith('t-'))) {
      for (const lang of ['ca', 'es', 'en'] as const) {
        expect(t.label[lang], `${t.code} label.${lang}`).toMatch(/\S/);
        expect(t.description[lang], `${t.code} description.${lang}`).toMatch(/\S/);
        expect(t.description[lang].length, `${t.code} description.${lang}`).toBeGreaterThan(t.label[lang].length);
      }
      expect(Object.keys(t.label).sort()).toEqual(['ca', 'en', 'es']);
      if (t.dpv !== null) expect(t.dpv).toMatch(t.kind === 'category' ? /^pd:[A-Z][A-Za-z]+$/ : /^dpv:[A-Z][A-Za-z]+$/);
    }
  });

  it('caps every purpose between 30 days and 5 years, and only purposes', async () => {
    const terms = await listCatalogue(ctx.db);
    for (const t of terms) {
      if (t.kind === 'purpose') {
        expect(t.maxValidityDays, t.code).not.toBeNull();
        expect(t.maxValidityDays!).toBeGreaterThanOrEqual(30);
        expect(t.maxValidityDays!).toBeLessThanOrEqual(1825);
      } else {
        expect(t.maxValidityDays, t.code).toBeNull();
      }
    }
  });

  it('marks the GDPR Art. 9 categories as sensitive, and only those', async () => {
    const categories = await listCatalogue(ctx.db, 'category');
    const sensitive = categories.filter((t) => t.sensitive).map((t) => t.code);
    expect(sensitive).toEqual(expect.arrayContaining(['health', 'disability', 'ethnic-origin', 'religious-belief']));
    for (const plain of ['name', 'postal-address', 'income-band', 'energy-consumption', 'household-composition']) {
      expect(sensitive).not.toContain(plain);
    }
    const others = [...(await listCatalogue(ctx.db, 'purpose')), ...(await listCatalogue(ctx.db, 'processing'))];
    expect(others.filter((t) => t.sensitive)).toEqual([]);
  });

  it('uses the W3C DPV terms the issue names', async () => {
    expect((await getTerm(ctx.db, 'purpose', 'mobility-planning'))?.dpv).toBe('dpv:ImproveTransportMobility');
    expect((await getTerm(ctx.db, 'purpose', 'scientific-research'))?.dpv).toBe('dpv:ScientificResearch');
    expect((await getTerm(ctx.db, 'category', 'postal-address'))?.dpv).toBe('pd:PhysicalAddress');
    expect((await getTerm(ctx.db, 'category', 'income-band'))?.dpv).toBe('pd:IncomeBracket');
    expect((await getTerm(ctx.db, 'category', 'household-composition'))?.dpv).toBeNull();
    expect((await getTerm(ctx.db, 'processing', 'profiling'))?.dpv).toBe('dpv:Profiling');
  });
});

describe('catalogue repository', () => {
  it('finds terms by kind and code, and nothing across kinds', async () => {
    const found = await findTerms(ctx.db, 'purpose', ['library-services', 'name', 'nope']);
    expect(found.map((t) => t.code)).toEqual(['library-services']);
    expect(await getTerm(ctx.db, 'category', 'library-services')).toBeUndefined();
    expect(await findTerms(ctx.db, 'category', [])).toEqual([]);
  });

  it('resolves a selection, or names every unknown code with term_unknown', async () => {
    const terms = await resolveTerms(ctx.db, { purposes: ['library-services'], categories: ['name', 'library-loans'], processing: ['store'] });
    expect(terms.map((t) => `${t.kind}:${t.code}`).sort()).toEqual(['category:library-loans', 'category:name', 'processing:store', 'purpose:library-services']);
    const err = await permisError(() => resolveTerms(ctx.db, { purposes: ['library-services', 'name'], categories: ['gps-trace'], processing: [] }));
    expect(err.code).toBe('term_unknown');
    expect(err).toBeInstanceOf(RuleError);
    expect(err.data.unknown).toEqual({ purposes: ['name'], categories: ['gps-trace'] });
  });
});

describe('vocabulary rules', () => {
  const term = (kind: CatalogueTerm['kind'], code: string, cap: number | null, sensitive = false): CatalogueTerm => ({
    kind,
    code,
    dpv: null,
    label: { ca: code, es: code, en: code },
    description: { ca: code, es: code, en: code },
    sensitive,
    maxValidityDays: cap,
  });
  const terms = [
    term('purpose', 'long', 1825),
    term('purpose', 'short', 90),
    term('purpose', 'uncapped', null),
    term('category', 'health', null, true),
    term('category', 'name', null),
    term('processing', 'store', null),
  ];

  it('caps a consent by the smallest cap among its purposes, 365 days for an uncapped one', () => {
    expect(validityCapDays(terms, ['long'])).toBe(1825);
    expect(validityCapDays(terms, ['long', 'short'])).toBe(90);
    expect(validityCapDays(terms, ['uncapped'])).toBe(DEFAULT_VALIDITY_DAYS);
    expect(validityCapDays(terms, ['long', 'uncapped'])).toBe(365);
    expect(validityCapDays(terms, [])).toBe(365);
  });

  it('refuses to cap unknown purposes, or a category passed as a purpose', async () => {
    expect((await permisError(() => validityCapDays(terms, ['long', 'gone']))).code).toBe('term_unknown');
    expect((await permisError(() => validityCapDays(terms, ['health']))).code).toBe('term_unknown');
  });

  it('checks a selection against a service registration with term_not_allowed', async () => {
    const allowed = { purposes: ['long', 'short'], categories: ['name'], processing: ['store'] };
    expect(() => assertTermsAllowed(allowed, { purposes: ['short'], categories: ['name'] })).not.toThrow();
    expect(() => assertTermsAllowed(allowed, {})).not.toThrow();
    const err = await permisError(() => assertTermsAllowed(allowed, { purposes: ['short', 'uncapped'], categories: ['health', 'name'], processing: ['store'] }));
    expect(err.code).toBe('term_not_allowed');
    expect(err).toBeInstanceOf(RuleError);
    expect(err.data.notAllowed).toEqual({ purposes: ['uncapped'], categories: ['health'] });
  });

  it('knows its own terms and lists the sensitive categories of a selection', async () => {
    expect(() => assertTermsKnown(terms, { purposes: ['long'], categories: ['health'], processing: ['store'] })).not.toThrow();
    expect((await permisError(() => assertTermsKnown(terms, { processing: ['long'] }))).data.unknown).toEqual({ processing: ['long'] });
    expect(sensitiveCategories(terms, ['name', 'health', 'health'])).toEqual(['health']);
  });
});

describe('GET /v1/catalogue', () => {
  it('returns all three kinds in all three languages', async () => {
    const res = await get('/v1/catalogue');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, CatalogueTerm[]>;
    expect(Object.keys(body).sort()).toEqual(['categories', 'processing', 'purposes']);
    expect(body.purposes!.length).toBeGreaterThanOrEqual(10);
    expect(body.categories!.length).toBeGreaterThanOrEqual(15);
    expect(body.processing!.every((t) => t.kind === 'processing')).toBe(true);
    const energy = body.purposes!.find((t) => t.code === 'energy-poverty-support')!;
    expect(energy).toMatchObject({ kind: 'purpose', sensitive: false, maxValidityDays: 365 });
    expect(Object.keys(energy.label).sort()).toEqual(['ca', 'en', 'es']);
    expect(energy.label.ca).toBe('Ajuts contra la pobresa energètica');
  });

  it('returns one language with ?lang=', async () => {
    const res = await get('/v1/catalogue?lang=es');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, { label: Record<string, string>; description: Record<string, string> }[]>;
    for (const t of [...body.purposes!, ...body.categories!, ...body.processing!]) {
      expect(Object.keys(t.label)).toEqual(['es']);
      expect(Object.keys(t.description)).toEqual(['es']);
    }
  });

  it('refuses an unknown language or query parameter with a validation problem', async () => {
    await expectProblem(await get('/v1/catalogue?lang=fr'), 400, 'validation_failed');
    const body = await expectProblem(await get('/v1/catalogue?kind=purpose'), 400, 'validation_failed');
    expect(JSON.stringify(body.errors)).toContain('query');
  });
});

describe('GET /v1/catalogue/{kind}/{code}', () => {
  it('returns one term', async () => {
    const res = await get('/v1/catalogue/category/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ kind: 'category', code: 'health', dpv: 'pd:Health', sensitive: true, maxValidityDays: null });
    const ca = (await (await get('/v1/catalogue/processing/anonymise?lang=ca')).json()) as { label: Record<string, string> };
    expect(ca.label).toEqual({ ca: 'Anonimització' });
  });

  it('answers 404 for an unknown code or a code of another kind', async () => {
    await expectProblem(await get('/v1/catalogue/purpose/no-such-purpose'), 404, 'not_found');
    await expectProblem(await get('/v1/catalogue/purpose/health'), 404, 'not_found');
  });

  it('answers 400 for a bad kind or a malformed code, never 500', async () => {
    await expectProblem(await get('/v1/catalogue/purposes/health'), 400, 'validation_failed');
    await expectProblem(await get('/v1/catalogue/category/Health'), 400, 'validation_failed');
    await expectProblem(await get(`/v1/catalogue/category/${'a'.repeat(200)}`), 400, 'validation_failed');
    await expectProblem(await get("/v1/catalogue/category/x'%3B%20drop%20table%20services"), 400, 'validation_failed');
  });
});
