/**
 * Conformance: the portal's pages render the same on Node and on the Worker (hono/jsx,
 * Intl, the bundled assets), with the same headers and CSRF refusal.
 */
import { describe, expect, it } from 'vitest';
import { base, conf, signUp } from './support/client.js';

const page = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers: { accept: 'text/html', ...headers }, redirect: 'manual' });

describe(`portal (${conf.target})`, () => {
  it('renders the landing page in the asked language with the strict policy and its assets', async () => {
    const res = await page('/', { 'accept-language': 'en' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    const assets = [...html.matchAll(/(?:href|src)="(\/assets\/portal-[0-9a-f]{12}\.(?:css|js))"/g)].map((m) => m[1]!);
    expect(assets).toHaveLength(2);
    for (const a of assets) {
      const r = await fetch(`${base}${a}`);
      expect(r.status).toBe(200);
      expect((await r.text()).length).toBeGreaterThan(500);
    }
  });

  it('shows a signed-in citizen their home and refuses a cross-site form post', async () => {
    const c = await signUp('Portal');
    const cookie = `__Host-permis_session=${c.token}`;
    const home = await page('/', { cookie, 'accept-language': 'ca' });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('/signout');
    const forged = await fetch(`${base}/signout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: '_csrf=x',
    });
    expect(forged.status).toBe(403);
    const still = await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${c.token}` } });
    expect(still.status).toBe(200);
  });
});
