// Issue 16, finding 1: a cross-site form POST carrying the session cookie paused a consent,
// withdrew one and ended the session. Now the API refuses cookie-borne state changes from other
// sites (403 cross_site_request), empty form bodies (415), bodies sent to body-less operations
// (400), and it answers cross-origin readers only on the public, credential-free reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { expectProblem } from './support/expect-problem.js';
import { createTestService, grantBody, seedTestCatalogue } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/harness.js';
import type { Json } from './support/json.js';
import { sessionCookieHeader } from './support/portal.js';

let t: TestContext;
let alice: SignedInCitizen;
let serviceId: string;
const ORIGIN = 'http://localhost:8787';
const EVIL = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };

async function grant(): Promise<string> {
  const res = await t.app.request('/v1/me/consents', {
    method: 'POST',
    headers: bearer(alice.token),
    body: JSON.stringify(grantBody(serviceId, t.clock.now())),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as Json).consent.id as string;
}

const status = async (id: string) => ((await (await t.app.request(`/v1/me/consents/${id}`, { headers: bearer(alice.token) })).json()) as Json).status;
const cookie = () => ({ cookie: sessionCookieHeader(alice.token) });
const form = { 'content-type': 'application/x-www-form-urlencoded' };

beforeAll(async () => {
  t = await createTestContext();
  await seedTestCatalogue(t.db);
  serviceId = await createTestService(t.db);
  alice = await signUpCitizen(t.app, t.config, { displayName: 'Alice' });
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

describe(`cross-site protection on ${ENGINE}`, () => {
  it('a cross-site form POST with the session cookie pauses, withdraws and signs out nothing', async () => {
    const id = await grant();
    for (const action of ['pause', 'withdraw']) {
      const res = await t.app.request(`/v1/me/consents/${id}/${action}`, { method: 'POST', headers: { ...cookie(), ...EVIL, ...form }, body: '' });
      await expectProblem(res, 403, 'cross_site_request');
    }
    await expectProblem(await t.app.request('/v1/auth/signout', { method: 'POST', headers: { ...cookie(), ...EVIL, ...form }, body: '' }), 403, 'cross_site_request');
    expect(await status(id)).toBe('active');
    expect((await t.app.request('/v1/me', { headers: cookie() })).status).toBe(200);
  });

  it('refuses by Origin alone, and by Sec-Fetch-Site alone (a sibling host is same-site)', async () => {
    const id = await grant();
    const pause = (headers: Record<string, string>) =>
      t.app.request(`/v1/me/consents/${id}/pause`, { method: 'POST', headers: { ...cookie(), 'content-type': 'application/json', ...headers }, body: '{}' });
    await expectProblem(await pause({ origin: 'https://evil.example' }), 403, 'cross_site_request');
    await expectProblem(await pause({ origin: 'null' }), 403, 'cross_site_request');
    await expectProblem(await pause({ 'sec-fetch-site': 'same-site' }), 403, 'cross_site_request');
    await expectProblem(await pause({ 'sec-fetch-site': 'cross-site' }), 403, 'cross_site_request');
    expect(await status(id)).toBe('active');
    // Our own pages: same-origin metadata and our Origin.
    expect((await pause({ origin: ORIGIN, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect(await status(id)).toBe('paused');
  });

  it('leaves bearer-authenticated requests alone, whatever their headers say', async () => {
    const id = await grant();
    const res = await t.app.request(`/v1/me/consents/${id}/pause`, { method: 'POST', headers: { ...bearer(alice.token), ...EVIL, ...cookie() }, body: '{}' });
    expect(res.status).toBe(200);
  });

  it('refuses cross-site sign-up and sign-in ceremonies, which would set a session cookie', async () => {
    const res = await t.app.request('/v1/auth/signin/options', { method: 'POST', headers: { 'content-type': 'application/json', ...EVIL }, body: '{}' });
    await expectProblem(res, 403, 'cross_site_request');
  });

  it('refuses an empty form body on a JSON operation with 415', async () => {
    const id = await grant();
    const res = await t.app.request(`/v1/me/consents/${id}/pause`, { method: 'POST', headers: { ...bearer(alice.token), ...form }, body: '' });
    await expectProblem(res, 415, 'unsupported_media_type');
    const plain = await t.app.request(`/v1/me/consents/${id}/pause`, { method: 'POST', headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'text/plain' } });
    await expectProblem(plain, 415, 'unsupported_media_type');
    expect(await status(id)).toBe('active');
  });

  it('refuses a body sent to an operation that takes none', async () => {
    const other = await signUpCitizen(t.app, t.config, { displayName: 'Other' });
    const res = await t.app.request('/v1/auth/signout', { method: 'POST', headers: bearer(other.token), body: '[{}]' });
    const problem = await expectProblem(res, 400, 'validation_failed');
    expect(problem.errors).toEqual([{ field: 'body', message: 'this operation takes no request body' }]);
    expect((await t.app.request('/v1/me', { headers: bearer(other.token) })).status).toBe(200);
    expect((await t.app.request('/v1/auth/signout', { method: 'POST', headers: bearer(other.token) })).status).toBe(204);
  });

  it('has an explicit CORS policy: public reads for any origin without credentials, nothing else', async () => {
    const pub = await t.app.request('/.well-known/jwks.json', { headers: { origin: 'https://auditor.example' } });
    expect(pub.headers.get('access-control-allow-origin')).toBe('*');
    expect(pub.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await t.app.request('/v1/log/checkpoint', {
      method: 'OPTIONS',
      headers: { origin: 'https://auditor.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET,HEAD');
    const me = await t.app.request('/v1/me', { headers: { ...cookie(), origin: 'https://evil.example' } });
    expect(me.headers.get('access-control-allow-origin')).toBeNull();
    const writePreflight = await t.app.request('/v1/me/consents', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(writePreflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(writePreflight.headers.get('access-control-allow-methods')).toBeNull();
  });
});
