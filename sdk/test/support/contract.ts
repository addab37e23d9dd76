/**
 * Contract tests run the SDK against the real app in-process: the app's `request` is the SDK's
 * `fetch`, and every request is recorded against the operations of the OpenAPI document so a
 * test can assert that each operation of a client was exercised.
 */
import { readFileSync } from 'node:fs';
import { exportJWK, exportPKCS8, type JWK } from 'jose';
import { expect } from 'vitest';
import type { FetchLike, OperationKey } from '../../src/index.js';
import { createTestContext, type TestContext } from '../../../test/support/harness.js';
import { createServiceWithKey, type TestService } from '../../../test/support/service-client.js';

/** Every operation of the committed OpenAPI document, as `METHOD /path`. */
export function documentOperations(): OperationKey[] {
  const doc = JSON.parse(readFileSync(new URL('../../../openapi/openapi.json', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => methods.includes(m))
      .map((m) => `${m.toUpperCase()} ${path}` as OperationKey),
  );
}

/** Matches a concrete request to the operation whose path template it fits. */
function operationMatcher(): (method: string, pathname: string) => OperationKey | undefined {
  const ops = documentOperations().map((op) => {
    const [method, template] = op.split(' ') as [string, string];
    const re = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    // Literal segments beat parameters: /v1/officer/events/export before /v1/officer/events/{id}.
    return { op, method, re, literal: template.replace(/\{[^}]+\}/g, '').length };
  });
  ops.sort((a, b) => b.literal - a.literal);
  return (method, pathname) => ops.find((o) => o.method === method && o.re.test(pathname))?.op;
}

/** The in-process app as the SDK's fetch, recording which operations were called and their statuses. */
export function recordingFetch(t: TestContext) {
  const match = operationMatcher();
  const called = new Map<OperationKey, number[]>();
  const fetch: FetchLike = async (input) => {
    const res = await t.app.request(input);
    const op = match(input.method, new URL(input.url).pathname);
    if (op) called.set(op, [...(called.get(op) ?? []), res.status]);
    return res;
  };
  return {
    fetch,
    called,
    /** Asserts that each of `ops` was called at least once and answered with a 2xx at least once. */
    expectCovered(ops: Readonly<Record<string, OperationKey>>) {
      const missing = Object.entries(ops)
        .filter(([, op]) => !(called.get(op) ?? []).some((s) => s >= 200 && s < 300))
        .map(([method, op]) => `${method} (${op}): ${JSON.stringify(called.get(op) ?? 'never called')}`);
      expect(missing, 'operations without a successful contract call').toEqual([]);
    },
  };
}

/** A test context, a registered service with keys, and the SDK options to reach the app in-process. */
export async function contractContext() {
  const t = await createTestContext();
  const rec = recordingFetch(t);
  const base = { baseUrl: t.config.publicUrl, fetch: rec.fetch, retry: false as const };
  return { t, rec, base };
}

/** The service's private key as a JWK (with kid and alg), as `services keygen` writes it. */
export async function privateJwkOf(svc: TestService, i = 0): Promise<JWK> {
  const k = svc.keys[i]!;
  return { ...(await exportJWK(k.privateKey)), kid: k.kid, alg: k.alg };
}

/** The service's private key as PKCS#8 PEM. */
export async function privatePemOf(svc: TestService, i = 0): Promise<string> {
  return exportPKCS8(svc.keys[i]!.privateKey);
}

export { createServiceWithKey, type TestContext, type TestService };
