/**
 * The same flows over a real HTTP server (@hono/node-server), not only `app.request()`:
 * runtimes differ in how they present bodies and headers, and users meet the server.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { createTestService, grantBody, seedTestCatalogue } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/harness.js';

let t: TestContext;
let server: ServerType;
let base: string;
let alice: SignedInCitizen;
let serviceId: string;

beforeAll(async () => {
  t = await createTestContext();
  await seedTestCatalogue(t.db);
  serviceId = await createTestService(t.db);
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Sign up over real HTTP too.
  alice = await signUpCitizen({ request: (p, init) => fetch(base + p, init) }, t.config);
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await t.close();
});

describe(`over a real HTTP server (${ENGINE})`, () => {
  it('grants, and takes body-less transitions with or without a content type', async () => {
    const auth = { authorization: `Bearer ${alice.token}` };
    const g = await fetch(`${base}/v1/me/consents`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(grantBody(serviceId, t.clock.now())),
    });
    expect(g.status).toBe(201);
    const { consent } = (await g.json()) as { consent: { id: string } };
    const pause = await fetch(`${base}/v1/me/consents/${consent.id}/pause`, { method: 'POST', headers: auth });
    expect(pause.status).toBe(200);
    const resume = await fetch(`${base}/v1/me/consents/${consent.id}/resume`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' } });
    expect(resume.status).toBe(200);
    const withdraw = await fetch(`${base}/v1/me/consents/${consent.id}/withdraw`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'done' }),
    });
    expect(withdraw.status).toBe(200);
    const text = await fetch(`${base}/v1/me/consents/${consent.id}/withdraw`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'hi' });
    expect(text.status).toBe(415);
  });

  it('serves the session as a __Host- cookie', async () => {
    const res = await fetch(`${base}/v1/me`, { headers: { cookie: `__Host-permis_session=${alice.token}` } });
    expect(res.status).toBe(200);
  });
});
