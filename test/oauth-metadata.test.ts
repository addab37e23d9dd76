/**
 * RFC 8414 authorization server metadata, as a standard OAuth client meets it: oauth4webapi
 * discovers the server over real HTTP, then gets an access token with `private_key_jwt`
 * (RFC 7523) and the client credentials grant, configured by the metadata alone.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE } from './support/database.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { createServiceWithKey, type TestService } from './support/service-client.js';

let t: TestContext;
let server: ServerType;
let issuer: URL;
let svc: TestService;

beforeAll(async () => {
  // The server's public URL must be the address the client discovers (RFC 8414 §3.3): learn the port first.
  server = serve({ fetch: (req) => t.app.fetch(req), port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await createTestContext({ config: { publicUrl: base, rpId: '127.0.0.1' } });
  issuer = new URL(base);
  svc = await createServiceWithKey(t, { scopes: undefined });
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await t?.close();
});

describe(`RFC 8414 metadata (${ENGINE})`, () => {
  it('lets a standard OAuth client discover the server and get a token with private_key_jwt', async () => {
    // Plain http is this test's loopback server only; a deployment's issuer is https.
    const insecure = { [oauth.allowInsecureRequests]: true };
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
    expect(as).toMatchObject({
      issuer: issuer.href.replace(/\/$/, ''),
      token_endpoint: `${issuer.origin}/v1/oauth/token`,
      jwks_uri: `${issuer.origin}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
    });
    expect(as.token_endpoint_auth_signing_alg_values_supported).toEqual(expect.arrayContaining(['EdDSA', 'ES256', 'RS256', 'PS256']));
    expect(as.token_endpoint_auth_signing_alg_values_supported).not.toContain('none');
    expect(as.token_endpoint_auth_signing_alg_values_supported!.some((a) => a.startsWith('HS'))).toBe(false);
    expect(as.scopes_supported).toEqual(expect.arrayContaining(['consents:check', 'consents:request', 'webhooks']));

    const key = svc.keys[0]!;
    const client: oauth.Client = { client_id: svc.clientId };
    const auth = oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid });
    const res = await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: 'consents:check' }, insecure);
    const token = await oauth.processClientCredentialsResponse(as, client, res);
    expect(token.token_type.toLowerCase()).toBe('bearer');
    expect(token.scope).toBe('consents:check');

    // The token works where the metadata says it does.
    const check = await fetch(`${issuer.origin}/v1/check`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subjectRef: 'nobody', purpose: 't-benefits', dataCategory: 't-income' }),
    });
    expect(check.status).toBe(200);
    expect(await check.json()).toMatchObject({ decision: 'deny', reason: 'no_consent' });
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(doc.paths['/.well-known/oauth-authorization-server']).toBeDefined();
  });
});
