import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const sdkSource = (path: string) => fileURLToPath(new URL(`./sdk/src/${path}`, import.meta.url));

/**
 * The browser journeys (`npm run test:browser`): the real app over HTTP, driven in Debian's
 * Chromium by playwright-core. Not part of `npm test` (it needs /usr/bin/chromium). One file
 * at a time: each starts a server and a browser, and the machine has two cores.
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
    include: ['test/browser/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts', 'test/browser/support/summary.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});
