import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const sdkSource = (path: string) => fileURLToPath(new URL(`./sdk/src/${path}`, import.meta.url));

/**
 * The conformance suite: the same HTTP scenarios (over `fetch` only) against a server that the
 * global setup starts per `CONFORMANCE_TARGET=node|worker` on a throwaway PostgreSQL database.
 * Not part of `npm test`: `npm run test:conformance:node`, `npm run test:conformance:worker`.
 */
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@permis\/sdk\/verify$/, replacement: sdkSource('verify/index.ts') },
      { find: /^@permis\/sdk\/encoding$/, replacement: sdkSource('core/encoding.ts') },
      { find: /^@permis\/sdk$/, replacement: sdkSource('index.ts') },
    ],
  },
  test: {
    include: ['test/conformance/**/*.test.ts'],
    globalSetup: ['test/conformance/support/global-setup.ts'],
    reporters: ['default', './test/conformance/support/no-skips-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // One server per run: the files share it, one at a time.
    fileParallelism: false,
  },
});
