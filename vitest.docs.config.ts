import { defineConfig } from 'vitest/config';

/**
 * `npm run test:docs`: every shell command of the README, the SDK README and docs/ run as
 * written against servers the test starts (test/docs/commands.test.ts). Not part of
 * `npm test`: it starts real servers and runs `npm` commands, one document at a time.
 */
export default defineConfig({
  test: {
    include: ['test/docs/commands.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});
