/**
 * Runs the OpenAPI fuzzer (openapi-fuzz.ts) against an app: every operation, each credential
 * type (none, service token, citizen session, officer, admin), `requests` requests from `seed`.
 */
import fc from 'fast-check';
import { integrateLog } from '../../src/log/integrate-log.js';
import { signUpAdmin, signUpOfficer } from './admin.js';
import { signUpCitizen } from './citizen.js';
import type { TestContext } from './harness.js';
import { arbitraries, type Finding, judge, loadOperations, requestOf } from './openapi-fuzz.js';
import { createServiceWithKey, getServiceToken, type TestService } from './service-client.js';

/** What a run found. */
export interface FuzzReport {
  requests: number;
  byStatus: Record<string, number>;
  findings: Finding[];
  loggedErrors: number;
}

const CREDENTIALS = ['none', 'service', 'citizen', 'officer', 'admin'] as const;
type Credential = (typeof CREDENTIALS)[number];

/** Sends `requests` fuzzed requests to `t.app`; findings are collected, never thrown. */
export async function runFuzz(t: TestContext, opts: { requests: number; seed: number; onProgress?: (done: number, r: FuzzReport) => void }): Promise<FuzzReport> {
  const { doc, ops } = loadOperations();
  const { of } = arbitraries(doc);
  let svc: TestService | undefined;
  const tokens: Partial<Record<Credential, string>> = {};
  const refresh = async () => {
    svc ??= await createServiceWithKey(t);
    tokens.service = await getServiceToken(t.app, svc);
    const alive = async (c: Credential) => tokens[c] !== undefined && (await t.app.request('/v1/me', { headers: { authorization: `Bearer ${tokens[c]}` } })).status === 200;
    if (!(await alive('citizen'))) tokens.citizen = (await signUpCitizen(t.app, t.config, { displayName: 'Fuzz citizen' })).token;
    if (!(await alive('officer'))) tokens.officer = (await signUpOfficer(t)).token;
    if (!(await alive('admin'))) tokens.admin = (await signUpAdmin(t)).token;
  };
  await refresh();
  // A signed checkpoint, so the log's reads answer (before one, they are a documented 503).
  await integrateLog(t.deps, { batch: 5000 });
  const arb = fc.tuple(fc.constantFrom(...CREDENTIALS), fc.constantFrom(...ops).chain((op) => requestOf(op, of)));
  const report: FuzzReport = { requests: 0, byStatus: {}, findings: [], loggedErrors: 0 };
  const errorsBefore = t.logged.filter((l) => l.level === 'error').length;
  const chunk = 500;
  for (let start = 0; start < opts.requests; start += chunk) {
    const n = Math.min(chunk, opts.requests - start);
    const samples = fc.sample(arb, { numRuns: n, seed: opts.seed + start });
    for (const [credential, req] of samples) {
      const headers = { ...req.headers };
      const token = credential === 'none' ? undefined : tokens[credential];
      if (token) headers.authorization = `Bearer ${token}`;
      let res: Response;
      try {
        res = await t.app.request(req.url, { method: req.method, headers, ...(req.body !== undefined ? { body: req.body } : {}) });
      } catch (err) {
        report.findings.push({ credential, request: req, status: 0, problem: `threw: ${String(err)}` });
        continue;
      }
      report.requests++;
      const key = String(res.status);
      report.byStatus[key] = (report.byStatus[key] ?? 0) + 1;
      const problem = await judge(req, res);
      if (problem) report.findings.push({ credential, request: req, status: res.status, problem });
    }
    report.loggedErrors = t.logged.filter((l) => l.level === 'error').length - errorsBefore;
    opts.onProgress?.(start + n, report);
    await refresh();
    await integrateLog(t.deps, { batch: 5000 });
  }
  return report;
}
