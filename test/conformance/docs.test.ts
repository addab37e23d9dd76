/**
 * Conformance: the API reference at /docs is served by the server itself on Node and on the
 * Worker — page, Swagger UI's script and styles under hashed names — with a policy naming no
 * other origin, and the RFC 8414 metadata is the same on both.
 */
import { describe, expect, it } from 'vitest';
import { base, conf } from './support/client.js';

describe(`API reference and metadata (${conf.target})`, () => {
  it('serves /docs and its assets from this server, with a CSP naming no other origin', async () => {
    const res = await fetch(`${base}/docs`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/https?:|cdn/);
    const html = await res.text();
    const assets = [...html.matchAll(/(?:href|src)="(\/docs\/assets\/[a-z-]+\.[0-9a-f]{10}\.(?:css|js))"/g)].map((m) => m[1]!);
    expect(assets).toHaveLength(4);
    for (const a of assets) {
      const r = await fetch(`${base}${a}`);
      expect(r.status, a).toBe(200);
      expect(r.headers.get('content-type')).toMatch(a.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
      expect(r.headers.get('cache-control')).toContain('immutable');
      expect((await r.text()).length).toBeGreaterThan(100);
    }
  });

  it('publishes the RFC 8414 metadata with the public URL as issuer', async () => {
    const res = await fetch(`${base}/.well-known/oauth-authorization-server`);
    expect(res.status).toBe(200);
    const m = (await res.json()) as Record<string, unknown>;
    expect(m.token_endpoint).toBe(`${m.issuer as string}/v1/oauth/token`);
    expect(m.token_endpoint_auth_methods_supported).toEqual(['private_key_jwt']);
  });
});
