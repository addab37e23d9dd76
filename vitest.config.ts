import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const sdkSource = (path: string) => fileURLToPath(new URL(`./sdk/src/${path}`, import.meta.url));

export default defineConfig({
  // The SDK workspace package from its sources (as tsconfig `paths` does for tsc, tsx and wrangler).
  resolve: {
    alias: [
      { find: /^@permis\/sdk\/verify$/, replacement: sdkSource('verify/index.ts') },
      { find: /^@permis\/sdk\/encoding$/, replacement: sdkSource('core/encoding.ts') },
      { find: /^@permis\/sdk$/, replacement: sdkSource('index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'sdk/test/**/*.test.ts'],
    // Over-HTTP suites against started servers: `npm run test:conformance:node|worker`, `npm run test:replicas`;
    // the Chromium journeys: `npm run test:browser`.
    exclude: [...configDefaults.exclude, 'test/conformance/**', 'test/replicas/**', 'test/browser/**', 'test/docs/commands.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    // Embedded PGlite: test databases load a migrated snapshot made once per run.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file gets its own databases; two cores, so keep parallelism modest.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
