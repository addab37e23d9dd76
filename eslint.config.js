// Lint rules: typescript-eslint's recommended set, plus the project's runtime boundary:
// only src/entry/ (and tooling/tests) may import node: modules or Node-only packages, so the
// core runs unchanged on Cloudflare Workers.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeOnly = {
  patterns: [{ group: ['node:*'], message: 'The core must run on Workers: node: modules only in src/entry/.' }],
  paths: [
    ...['fs', 'path', 'crypto', 'os', 'net', 'url', 'http', 'https', 'child_process', 'stream', 'buffer', 'util'].map((name) => ({
      name,
      message: 'The core must run on Workers: Node built-ins only in src/entry/.',
    })),
    { name: '@hono/node-server', message: 'Node-only: import it from src/entry/ only.' },
    { name: 'tsx', message: 'Node-only tooling.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', '.wrangler/', 'sdk/src/schema.ts', 'src/portal/assets/generated.ts', 'coverage/', 'sdk/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Plain Node scripts (documentation examples, publish checks).
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', fetch: 'readonly', URL: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/entry/**'],
    rules: { 'no-restricted-imports': ['error', nodeOnly] },
  },
  // The SDK runs in Node, browsers and Workers: no Node modules or globals, except its CLI.
  {
    files: ['sdk/src/**/*.ts'],
    ignores: ['sdk/src/cli/**'],
    rules: {
      'no-restricted-imports': ['error', nodeOnly],
      'no-restricted-globals': ['error', ...['Buffer', 'process', 'require', '__dirname', '__filename', 'global'].map((name) => ({ name, message: 'The SDK runs in browsers and Workers too: web-standard APIs only.' }))],
    },
  },
);
