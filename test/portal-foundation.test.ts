/**
 * The portal's frame: language choice, security headers, CSRF on
 * state-changing forms, sign-out, assets and error pages — through `app.request()`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portalScript, portalStyles } from '../src/portal/assets/generated.js';
import { signUpCitizen } from './support/citizen.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { getPage, postForm } from './support/portal.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.close();
});

const meStatus = async (token: string) => (await t.app.request('/v1/me', { headers: { authorization: `Bearer ${token}` } })).status;

describe('languages', () => {
  it.each([
    ['es-ES,es;q=0.9', 'es', 'Tus datos, tus decisiones'],
    ['en', 'en', 'Your data, your decisions'],
    ['fr', 'ca', 'Les teves dades, les teves decisions'],
    [undefined, 'ca', 'Les teves dades, les teves decisions'],
  ])('Accept-Language %s gives the landing page in %s', async (header, lang, heading) => {
    const { res, html } = await getPage(t, '/', header ? { lang: header } : {});
    expect(res.status).toBe(200);
    expect(res.headers.get('content-language')).toBe(lang);
    expect(html).toContain(`<html lang="${lang}">`);
    expect(html).toContain(`<h1>${heading}</h1>`);
  });

  it('?lang= remembers the choice in a cookie and drops the parameter', async () => {
    const res = await t.app.request('/signin?next=%2Fconsents&lang=en', { headers: { 'accept-language': 'es' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/signin?next=%2Fconsents');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^permis_lang=en;/);
    const { html } = await getPage(t, '/signin', { lang: 'es', headers: { cookie: 'permis_lang=en' } });
    expect(html).toContain('<html lang="en">');
  });

  it('an unknown ?lang= changes nothing but the address', async () => {
    const res = await t.app.request('/?lang=xx');
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toBeNull();
  });
});

describe('security headers', () => {
  it('pages forbid inline script, framing and foreign form targets', async () => {
    const { res, html } = await getPage(t, '/');
    const csp = res.headers.get('content-security-policy') ?? '';
    for (const d of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'"]) {
      expect(csp).toContain(d);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    // No inline script and no inline style anywhere in the page.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/\son[a-z]+=/);
  });

  it('the API keeps its own policy and problem documents', async () => {
    const res = await t.app.request('/v1/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('an unknown page is a 404 page in the reader’s language', async () => {
    const { res, html } = await getPage(t, '/no/such/page', { lang: 'es' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('Esta página no existe o ya no está.');
  });
});

describe('assets', () => {
  it('serves the script and stylesheet under content-hashed names, cached for a year', async () => {
    for (const a of [portalScript, portalStyles]) {
      const res = await t.app.request(`/assets/${a.file}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toContain('immutable');
      expect(await res.text()).toBe(a.body);
    }
    expect((await t.app.request('/assets/portal-000000000000.js')).status).toBe(404);
  });
});

describe('sign-in pages and CSRF', () => {
  it('a signed-in visitor of /signin goes where `next` says, never off-site', async () => {
    const c = await signUpCitizen(t.app, t.config);
    const ok = await t.app.request('/signin?next=%2Fconsents', { headers: { cookie: `__Host-permis_session=${c.token}` } });
    expect(ok.headers.get('location')).toBe('/consents');
    for (const evil of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const res = await t.app.request(`/signin?next=${encodeURIComponent(evil)}`, { headers: { cookie: `__Host-permis_session=${c.token}` } });
      expect(res.headers.get('location')).toBe('/');
    }
  });

  it('sign-out without the CSRF token, with a wrong one, cross-site or from another origin is refused', async () => {
    const c = await signUpCitizen(t.app, t.config);
    const attempts = [
      await postForm(t, '/signout', {}, { token: c.token, csrf: false }),
      await postForm(t, '/signout', {}, { token: c.token, csrf: 'A'.repeat(43) }),
      await postForm(t, '/signout', {}, { token: c.token, headers: { 'sec-fetch-site': 'cross-site' } }),
      await postForm(t, '/signout', {}, { token: c.token, headers: { origin: 'https://evil.example' } }),
      await postForm(t, '/signout', {}, { token: c.token, headers: { origin: 'null' } }),
    ];
    for (const { res, html } of attempts) {
      expect(res.status).toBe(403);
      expect(html).toContain('Per seguretat hem rebutjat aquest formulari');
    }
    expect(await meStatus(c.token)).toBe(200);
  });

  it('a JSON body does not pass for a form', async () => {
    const c = await signUpCitizen(t.app, t.config);
    const res = await t.app.request('/signout', {
      method: 'POST',
      headers: { cookie: `__Host-permis_session=${c.token}`, 'content-type': 'application/json', origin: new URL(t.config.publicUrl).origin },
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect(await meStatus(c.token)).toBe(200);
  });

  it('sign-out with the token ends the session and clears the cookie', async () => {
    const c = await signUpCitizen(t.app, t.config);
    const { res } = await postForm(t, '/signout', {}, { token: c.token });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/signin?notice=signed-out');
    expect(res.headers.get('set-cookie')).toMatch(/__Host-permis_session=;/);
    expect(await meStatus(c.token)).toBe(401);
  });

  it('a form post without a session is sent to sign in', async () => {
    const { res } = await postForm(t, '/signout', {});
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/signin\?next=/);
  });

  it('the sign-up form carries every message the script may show, in the page language', async () => {
    const { html } = await getPage(t, '/signup', { lang: 'en' });
    expect(html).toContain('data-passkey="signup"');
    expect(html).toContain('data-msg-cancelled="The passkey prompt was cancelled or timed out.');
    expect(html).toContain('data-msg-network="We could not reach Permís.');
    expect(html).toMatch(/<label for="displayName">/);
  });
});
