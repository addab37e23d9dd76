/**
 * Every operation of the OpenAPI document is wrapped by exactly one SDK client method, and the
 * SDK wraps nothing the document lacks. A new operation without SDK support fails here; each
 * client's contract test (contract-*.test.ts) then checks that all its operations succeed
 * against the real app.
 */
import { describe, expect, it } from 'vitest';
import { sdkOperations, wrappedOperations } from '../src/index.js';
import { documentOperations } from './support/contract.js';

describe('SDK coverage of the OpenAPI document', () => {
  it('wraps every operation exactly once', () => {
    const ops = documentOperations();
    const wrapped = wrappedOperations();
    expect(ops.filter((op) => !wrapped.has(op)), 'operations without an SDK method').toEqual([]);
    expect([...wrapped.keys()].filter((op) => !ops.includes(op)), 'SDK methods for operations the document lacks').toEqual([]);
    const all = Object.values(sdkOperations).flatMap((m) => Object.values(m));
    expect(all.length, 'an operation wrapped twice').toBe(new Set(all).size);
  });

  it('has a client method of that name for each wrapped operation', async () => {
    const { createAdminClient, createCitizenClient, createOfficerClient, createPublicClient, createServiceClient } = await import('../src/index.js');
    const opts = { baseUrl: 'http://localhost:8787' };
    const clients: Record<keyof typeof sdkOperations, object> = {
      public: createPublicClient(opts),
      service: createServiceClient({ ...opts, clientId: 'x', privateKey: { kty: 'OKP', crv: 'Ed25519', x: 'x', d: 'd', kid: 'k' } }),
      citizen: createCitizenClient(opts),
      officer: createOfficerClient(opts),
      admin: createAdminClient(opts),
    };
    for (const [name, ops] of Object.entries(sdkOperations) as [keyof typeof sdkOperations, Record<string, string>][]) {
      for (const method of Object.keys(ops)) expect(typeof (clients[name] as Record<string, unknown>)[method], `${name}.${method}`).toBe('function');
    }
  });
});
