/**
 * Setup file of the browser suite: after each test file, one line saying how many pages axe
 * checked (each check fails its test on any violation, so the count is of clean pages).
 */
import { afterAll } from 'vitest';
import { axeLog } from './browser.js';

afterAll(() => {
  if (axeLog.length === 0) return;
  const paths = new Set(axeLog.map((a) => a.path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id')));
  console.log(`axe-core: ${axeLog.length} page checks (${paths.size} distinct paths), ${axeLog.reduce((n, a) => n + a.violations, 0)} violations: ${[...paths].sort().join(' ')}`);
});
