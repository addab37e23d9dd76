import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const sdkSource = (path: string) => fileURLToPath(new URL(`./sdk/src/${path}`, import.meta.url));

/**
 * Permís on a real pg_auto_failover formation, killed under load (`npm run test:cluster`);
 * not part of `npm test`. Needs Debian's postgresql-15-auto-failover and pg-auto-failover-cli.
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
    include: ['test/cluster/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
