/**
 * The documentation's code blocks cannot rot: every block included from an example file is
 * that file's region verbatim (`npm run docs:sync` rewrites them), every TypeScript or
 * JavaScript block is either included from a file that runs in CI or says why it is not run,
 * and no document names an unpublished command (`npx permis-verify` from a checkout, say).
 */
import { describe, expect, it } from 'vitest';
import { blocksOf, documents, region } from './docs/markdown.js';

const all = documents().flatMap((d) => blocksOf(d));

describe('documentation code blocks', () => {
  it('are found in the README, the SDK README and docs/', () => {
    expect(documents()).toEqual(expect.arrayContaining(['README.md', 'sdk/README.md', 'docs/operators.md', 'docs/services.md']));
    expect(all.filter((b) => b.lang === 'sh').length).toBeGreaterThan(10);
  });

  it('included from example files are in sync with them', () => {
    for (const b of all.filter((x) => x.include)) {
      expect(b.code, `${b.doc}:${b.line} vs ${b.include!.file}#${b.include!.region} (npm run docs:sync)`).toBe(region(b.include!.file, b.include!.region));
    }
  });

  it('in TypeScript or JavaScript run from an example file, or say why not', () => {
    const loose = all.filter((b) => /^(ts|js|typescript|javascript)$/.test(b.lang) && !b.include && !b.notRun);
    expect(loose.map((b) => `${b.doc}:${b.line}`)).toEqual([]);
  });

  it('never reach for an unpublished package name', () => {
    for (const b of all) {
      expect(b.code, `${b.doc}:${b.line}`).not.toMatch(/npx (?!--no\b)[^\n]*permis-verify|npx (?!--no\b)@permis\/sdk/);
    }
  });
});
