import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file gets its own databases; two cores, so keep parallelism modest.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
