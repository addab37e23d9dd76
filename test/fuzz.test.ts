// Issue 16: an OpenAPI-driven fuzz test over every operation with each credential type. Small
// here; `npm run fuzz -- N [seed]` runs N requests (test/fuzz/run.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE } from './support/database.js';
import { runFuzz } from './support/fuzz-run.js';
import { createTestContext, type TestContext } from './support/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.close();
});

describe(`OpenAPI fuzzing on ${ENGINE}`, () => {
  it('gives no 5xx and only problems as errors', { timeout: 300_000 }, async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 16);
    const report = await runFuzz(t, { requests: Number(process.env.FUZZ_REQUESTS ?? 600), seed });
    expect(report.findings.slice(0, 5), `seed ${seed}`).toEqual([]);
    expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
    // The requests reach past validation: some succeed.
    expect(Object.keys(report.byStatus).some((s) => s.startsWith('2'))).toBe(true);
  });
});
