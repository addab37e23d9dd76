import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const sdkSource = (path: string) => fileURLToPath(new URL(`./sdk/src/${path}`, import.meta.url));

/** Two Node replicas on one PostgreSQL database (`npm run test:replicas`); not part of `npm test`. */
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@permis\/sdk\/verify$/, replacement: sdkSource('verify/index.ts') },
      { find: /^@permis\/sdk\/encoding$/, replacement: sdkSource('core/encoding.ts') },
      { find: /^@permis\/sdk$/, replacement: sdkSource('index.ts') },
    ],
  },
  test: {
    include: ['test/replicas/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 180_000,
  },
});
