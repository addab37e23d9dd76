/**
 * `npm run fuzz -- N [seed]`: N fuzzed requests (default 10,000) in process against a fresh
 * database (PGlite, or PostgreSQL with TEST_DATABASE_URL); prints statuses and findings and
 * exits 1 on any finding or logged error.
 */
import { runFuzz } from '../support/fuzz-run.js';
import { createTestContext } from '../support/harness.js';

const requests = Number(process.argv[2] ?? 10_000);
const seed = Number(process.argv[3] ?? Date.now() % 1_000_000);
const t = await createTestContext();
const started = Date.now();
try {
  const report = await runFuzz(t, {
    requests,
    seed,
    onProgress: (done, r) =>
      process.stderr.write(`${done}/${requests} requests, ${Math.round((Date.now() - started) / 1000)} s, ${r.findings.length} findings, ${r.loggedErrors} logged errors, statuses ${JSON.stringify(r.byStatus)}\n`),
  });
  const fiveXx = Object.entries(report.byStatus).filter(([s]) => s.startsWith('5')).reduce((n, [, c]) => n + c, 0);
  console.log(JSON.stringify({ seed, requests: report.requests, seconds: Math.round((Date.now() - started) / 1000), fiveXx, nonProblemErrors: report.findings.filter((f) => f.status < 500).length, loggedErrors: report.loggedErrors, byStatus: report.byStatus }));
  for (const f of report.findings.slice(0, 20)) console.log(JSON.stringify(f));
  const errors = t.logged.filter((l) => l.level === 'error').slice(0, 5);
  for (const e of errors) console.log(JSON.stringify(e).slice(0, 800));
  process.exitCode = report.findings.length > 0 || report.loggedErrors > 0 ? 1 : 0;
} finally {
  await t.close();
}
