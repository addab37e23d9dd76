/**
 * The token endpoint: OAuth 2.0 client credentials (RFC 6749 §4.4) with `private_key_jwt`
 * client assertions (RFC 7523) against the service's registered JWKS, issuing RFC 9068
 * access tokens. Real keys, real signatures, real database; both engines.
 */
import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64url, utf8 } from '@permis/sdk/encoding';
import { SERVICE_SCOPES } from '../src/domain/service-scopes.js';
import { setServiceJwks } from '../src/services/set-service-jwks.js';
import { setServiceStatus } from '../src/services/set-service-status.js';
import { ENGINE } from './support/database.js';
import { expectProblem } from './support/expect-problem.js';
import { createTestContext, type TestContext } from './support/harness.js';
import {
  createServiceWithKey,
  generateServiceKey,
  getServiceToken,
  JWT_BEARER,
  postTokenForm,
  requestServiceToken,
  signClientAssertion,
  type TestService,
  tokenForm,
  TOKEN_PATH,
} from './support/service-client.js';

let t: TestContext;
let svc: TestService;
let other: TestService;

beforeAll(async () => {
  t = await createTestContext();
  svc = await createServiceWithKey(t, { es256: true });
  other = await createServiceWithKey(t);
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t?.close();
});

const admin = () => ({ clock: t.clock, random: t.deps.random, actor: { type: 'admin' as const, id: 'test' } });

/** Asserts an RFC 6749 §5.2 error: status, `error` code, no-store, and a challenge on 401. */
async function expectOAuthError(res: Response, status: 400 | 401, error: string): Promise<string> {
  const text = await res.text();
  expect({ status: res.status, text }).toMatchObject({ status });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const body = JSON.parse(text) as { error: string; error_description: string };
  expect(body.error).toBe(error);
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  // RFC 6749 §5.2: error_description is printable ASCII without " and \.
  expect(body.error_description).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/);
  if (status === 401) expect(res.headers.get('www-authenticate')).toMatch(/^private_key_jwt realm="/);
  return body.error_description;
}

const refused = async (assertion: string, extra: Record<string, string> = {}) =>
  expectOAuthError(await postTokenForm(t.app, tokenForm(assertion, extra)), 401, 'invalid_client');

const now = () => Math.floor(t.clock.now().getTime() / 1000);
const segment = (o: unknown) => b64url(utf8(JSON.stringify(o)));

describe(`POST /v1/oauth/token: issuing (${ENGINE})`, () => {
  it('issues an RFC 9068 access token for an EdDSA assertion, verifiable with the published JWKS', async () => {
    const res = await requestServiceToken(t.app, svc);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number; scope: string };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: SERVICE_SCOPES.join(' ') });
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);

    const header = decodeProtectedHeader(body.access_token);
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
    const jwks = (await (await t.app.request('/.well-known/jwks.json')).json()) as JSONWebKeySet;
    expect(jwks.keys.map((k) => k.kid)).toContain(header.kid);
    const { payload } = await jwtVerify(body.access_token, createLocalJWKSet(jwks), {
      typ: 'at+jwt',
      algorithms: ['EdDSA'],
      issuer: t.config.publicUrl,
      audience: `${t.config.publicUrl}/v1`,
      currentDate: t.clock.now(),
    });
    expect(payload).toMatchObject({ sub: svc.id, client_id: svc.clientId, scope: SERVICE_SCOPES.join(' ') });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.iat).toBe(now());
    expect(typeof payload.jti).toBe('string');
  });

  it('accepts an ES256 key of the JWKS, and the issuer URL as audience', async () => {
    const token = await getServiceToken(t.app, svc, { key: svc.keys[1] });
    expect(decodeProtectedHeader(token).typ).toBe('at+jwt');
    const res = await requestServiceToken(t.app, svc, { claims: { aud: t.config.publicUrl } });
    expect(res.status).toBe(200);
    const res2 = await requestServiceToken(t.app, svc, { claims: { aud: [svc.tokenUrl, t.config.publicUrl] } });
    expect(res2.status).toBe(200);
  });

  it('accepts Ed25519 as the fully-specified algorithm name, a matching client_id and an assertion without kid when one key fits', async () => {
    expect((await requestServiceToken(t.app, svc, { header: { alg: 'Ed25519' } })).status).toBe(200);
    const assertion = await signClientAssertion(svc);
    expect((await postTokenForm(t.app, tokenForm(assertion, { client_id: svc.clientId }))).status).toBe(200);
    // `other` has only the Ed25519 key: it is the only key that fits EdDSA.
    expect((await requestServiceToken(t.app, other, { header: { kid: undefined } })).status).toBe(200);
    // `svc` has an Ed25519 and a P-256 key, but only one fits each algorithm.
    expect((await requestServiceToken(t.app, svc, { key: svc.keys[1], header: { kid: undefined } })).status).toBe(200);
  });

  it('grants a requested subset of scopes, in canonical order, and ignores unknown parameters (RFC 6749 §3.2)', async () => {
    const res = await requestServiceToken(t.app, svc, { scope: 'consents:read consents:check consents:read' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; scope: string };
    expect(body.scope).toBe('consents:check consents:read');
    const claims = JSON.parse(new TextDecoder().decode(Buffer.from(body.access_token.split('.')[1]!, 'base64url'))) as { scope: string };
    expect(claims.scope).toBe('consents:check consents:read');
    const assertion = await signClientAssertion(svc);
    expect((await postTokenForm(t.app, tokenForm(assertion, { resource: 'x', unknown_thing: 'y' }))).status).toBe(200);
  });

  it('records an audit event for every token issued', async () => {
    const res = await requestServiceToken(t.app, other, { scope: 'webhooks' });
    expect(res.status).toBe(200);
    const rows = await t.db.query<{ type: string; actor_type: string; data: Record<string, unknown> }>(
      `select type, actor_type, data from audit_events where service_id = $1 and type = 'service.token_issued' order by seq desc limit 1`,
      [other.id],
    );
    expect(rows[0]).toMatchObject({ actor_type: 'service', data: { clientId: other.clientId, scope: 'webhooks', kid: other.keys[0]!.kid } });
  });
});

describe(`POST /v1/oauth/token: refused assertions (${ENGINE})`, () => {
  it('refuses a replayed assertion (same jti), even when both arrive at once', async () => {
    const assertion = await signClientAssertion(svc);
    expect((await postTokenForm(t.app, tokenForm(assertion))).status).toBe(200);
    expect(await refused(assertion)).toMatch(/already used/);
    // A different assertion reusing the jti is a replay too.
    const jti = randomUUID();
    expect((await requestServiceToken(t.app, svc, { claims: { jti } })).status).toBe(200);
    await expectOAuthError(await requestServiceToken(t.app, svc, { claims: { jti } }), 401, 'invalid_client');

    const racing = await signClientAssertion(svc);
    const results = await Promise.all(Array.from({ length: 8 }, () => postTokenForm(t.app, tokenForm(racing))));
    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
  });

  it('keeps a jti until its assertion expires, then forgets it', async () => {
    const jti = randomUUID();
    expect((await requestServiceToken(t.app, other, { claims: { jti } })).status).toBe(200);
    t.clock.advance(89_000); // exp was now + 60 s; the 30 s skew still covers it
    await expectOAuthError(await requestServiceToken(t.app, other, { claims: { jti } }), 401, 'invalid_client');
    t.clock.advance(2_000);
    expect((await requestServiceToken(t.app, other, { claims: { jti } })).status).toBe(200);
    const rows = await t.db.query<{ n: number }>('select count(*)::int as n from client_assertion_jtis where client_id = $1 and jti = $2', [other.clientId, jti]);
    expect(rows[0]!.n).toBe(1);
  });

  it('refuses an expired assertion', async () => {
    expect(await refused(await signClientAssertion(svc, { claims: { iat: now() - 120, exp: now() - 60 } }))).toMatch(/expired/);
    const assertion = await signClientAssertion(svc);
    t.clock.advance(91_000); // exp (60 s) plus the 30 s skew have passed
    expect(await refused(assertion)).toMatch(/expired/);
  });

  it('refuses a far-future exp, a future iat and a future nbf', async () => {
    expect(await refused(await signClientAssertion(svc, { claims: { exp: now() + 3600 } }))).toMatch(/too far in the future/);
    expect(await refused(await signClientAssertion(svc, { claims: { exp: now() + 331 } }))).toMatch(/too far in the future/);
    expect((await requestServiceToken(t.app, svc, { claims: { exp: now() + 300 } })).status).toBe(200);
    await refused(await signClientAssertion(svc, { claims: { iat: now() + 600 } }));
    await refused(await signClientAssertion(svc, { claims: { nbf: now() + 600 } }));
  });

  it('refuses an assertion for another audience', async () => {
    for (const aud of ['https://evil.example/token', `${t.config.publicUrl}/v1`, [svc.tokenUrl, 'https://evil.example/token'], []]) {
      expect(await refused(await signClientAssertion(svc, { claims: { aud } }))).toMatch(/aud/);
    }
    expect(await refused(await signClientAssertion(svc, { claims: { aud: undefined } }))).toMatch(/aud/);
  });

  it('refuses a wrong issuer or subject', async () => {
    // iss = another client: that client's JWKS has no such kid.
    await refused(await signClientAssertion(svc, { claims: { iss: other.clientId, sub: other.clientId } }));
    // iss = another client, with that client's kid but our key: the signature fails.
    await refused(await signClientAssertion(svc, { claims: { iss: other.clientId, sub: other.clientId }, header: { kid: other.keys[0]!.kid } }));
    expect(await refused(await signClientAssertion(svc, { claims: { sub: other.clientId } }))).toMatch(/iss and sub/);
    expect(await refused(await signClientAssertion(svc, { claims: { sub: undefined } }))).toMatch(/iss and sub/);
    expect(await refused(await signClientAssertion(svc, { claims: { iss: 'no-such-client', sub: 'no-such-client' } }))).toMatch(/Unknown client/);
    await refused(await signClientAssertion(svc, { claims: { iss: undefined } }));
    // client_id, if sent, must match the assertion.
    expect(await refused(await signClientAssertion(svc), { client_id: other.clientId })).toMatch(/client_id/);
  });

  it('refuses an unknown kid and a key that is not in the JWKS', async () => {
    expect(await refused(await signClientAssertion(svc, { header: { kid: 'nope' } }))).toMatch(/kid/);
    const stranger = await generateServiceKey('EdDSA');
    expect(await refused(await signClientAssertion(svc, { key: stranger, header: { kid: svc.keys[0]!.kid } }))).toMatch(/signature/);
    // The stranger's key under its own kid is unknown too.
    await refused(await signClientAssertion(svc, { key: stranger }));
  });

  it('refuses an algorithm that does not fit the key named by kid', async () => {
    // Signed by the P-256 key, but the header names the Ed25519 key.
    expect(await refused(await signClientAssertion(svc, { key: svc.keys[1], header: { kid: svc.keys[0]!.kid } }))).toMatch(/alg does not match/);
    // Without a kid, the key must be the only one of the JWKS that fits the algorithm.
    const two = await createServiceWithKey(t);
    const second = await generateServiceKey('EdDSA');
    await setServiceJwks(t.db, two.id, { keys: [two.keys[0]!.publicJwk, second.publicJwk] }, admin());
    expect(await refused(await signClientAssertion(two, { header: { kid: undefined } }))).toMatch(/kid/);
    expect((await requestServiceToken(t.app, two, { key: second })).status).toBe(200);
  });

  it('refuses alg none, crafted by hand', async () => {
    const claims = { iss: svc.clientId, sub: svc.clientId, aud: svc.tokenUrl, iat: now(), exp: now() + 60, jti: randomUUID() };
    const header = { alg: 'none', kid: svc.keys[0]!.kid };
    await refused(`${segment(header)}.${segment(claims)}.`);
    expect(await refused(`${segment(header)}.${segment(claims)}.${b64url(utf8('sig'))}`)).toMatch(/asymmetric/);
    expect(await refused(`${segment({ alg: 'None', kid: svc.keys[0]!.kid })}.${segment(claims)}.AAAA`)).toMatch(/asymmetric/);
  });

  it('refuses HS256 keyed with the public key (algorithm confusion)', async () => {
    const claims = { iss: svc.clientId, sub: svc.clientId, aud: svc.tokenUrl, iat: now(), exp: now() + 60, jti: randomUUID() };
    const pub = svc.keys[0]!.publicJwk;
    for (const secret of [utf8(JSON.stringify(pub)), utf8(pub.x!), Buffer.from(pub.x!, 'base64url')]) {
      const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: pub.kid! }).sign(new Uint8Array(secret));
      expect(await refused(forged)).toMatch(/asymmetric/);
    }
  });

  it('refuses an assertion without jti or exp, or with a bad jti', async () => {
    expect(await refused(await signClientAssertion(svc, { claims: { jti: undefined } }))).toMatch(/jti/);
    expect(await refused(await signClientAssertion(svc, { claims: { exp: undefined } }))).toMatch(/exp/);
    expect(await refused(await signClientAssertion(svc, { claims: { jti: 42 } }))).toMatch(/jti/);
    expect(await refused(await signClientAssertion(svc, { claims: { jti: '' } }))).toMatch(/jti/);
    expect(await refused(await signClientAssertion(svc, { claims: { jti: 'x'.repeat(257) } }))).toMatch(/jti/);
  });

  it('refuses garbage, a tampered assertion and an oversized one', async () => {
    await refused('not-a-jwt');
    await refused('a.b.c');
    const good = await signClientAssertion(svc);
    const [h, p, s] = good.split('.');
    const tampered = `${h}.${segment({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), exp: now() + 120 })}.${s}`;
    expect(await refused(tampered)).toMatch(/signature/);
    const huge = await signClientAssertion(svc, { claims: { pad: 'x'.repeat(9000) } });
    await expectOAuthError(await postTokenForm(t.app, tokenForm(huge)), 400, 'invalid_request');
  });

  it('refuses a suspended service, whose assertions were valid a moment ago', async () => {
    const s = await createServiceWithKey(t);
    expect((await requestServiceToken(t.app, s)).status).toBe(200);
    await setServiceStatus(t.db, s.id, 'suspended', admin());
    expect(await refused(await signClientAssertion(s))).toMatch(/suspended/);
    await setServiceStatus(t.db, s.id, 'active', admin());
    expect((await requestServiceToken(t.app, s)).status).toBe(200);
  });
});

describe(`POST /v1/oauth/token: malformed requests (${ENGINE})`, () => {
  it('refuses an unknown or malformed scope with invalid_scope', async () => {
    await expectOAuthError(await requestServiceToken(t.app, svc, { scope: 'consents:check admin' }), 400, 'invalid_scope');
    await expectOAuthError(await requestServiceToken(t.app, svc, { scope: 'consents:check  consents:read' }), 400, 'invalid_scope');
    await expectOAuthError(await requestServiceToken(t.app, svc, { scope: ' ' }), 400, 'invalid_scope');
  });

  it('refuses a wrong or missing grant_type', async () => {
    const assertion = await signClientAssertion(svc);
    await expectOAuthError(await postTokenForm(t.app, tokenForm(assertion, { grant_type: 'password' })), 400, 'unsupported_grant_type');
    await expectOAuthError(
      await postTokenForm(t.app, tokenForm(assertion, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' })),
      400,
      'unsupported_grant_type',
    );
    await expectOAuthError(await postTokenForm(t.app, tokenForm(assertion, { grant_type: '' })), 400, 'invalid_request');
    await expectOAuthError(await postTokenForm(t.app, `client_assertion_type=${encodeURIComponent(JWT_BEARER)}&client_assertion=${assertion}`), 400, 'invalid_request');
  });

  it('refuses missing client authentication or another authentication method', async () => {
    await expectOAuthError(await postTokenForm(t.app, 'grant_type=client_credentials'), 401, 'invalid_client');
    await expectOAuthError(await postTokenForm(t.app, 'grant_type=client_credentials&client_id=x&client_secret=y'), 401, 'invalid_client');
    const assertion = await signClientAssertion(svc);
    await expectOAuthError(
      await postTokenForm(t.app, tokenForm(assertion, { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' })),
      401,
      'invalid_client',
    );
    await expectOAuthError(await postTokenForm(t.app, `grant_type=client_credentials&client_assertion=${assertion}`), 400, 'invalid_request');
  });

  it('refuses repeated parameters and malformed form bodies with invalid_request', async () => {
    const assertion = await signClientAssertion(svc);
    await expectOAuthError(await postTokenForm(t.app, `${tokenForm(assertion)}&grant_type=client_credentials`), 400, 'invalid_request');
    await expectOAuthError(await postTokenForm(t.app, `${tokenForm(assertion)}&scope=webhooks&scope=webhooks`), 400, 'invalid_request');
    await expectOAuthError(await postTokenForm(t.app, JSON.stringify({ grant_type: 'client_credentials' })), 400, 'invalid_request');
    await expectOAuthError(await postTokenForm(t.app, '%%%&&&==='), 400, 'invalid_request');
    await expectOAuthError(await postTokenForm(t.app, ''), 400, 'invalid_request');
    await expectOAuthError(await postTokenForm(t.app, `grant_type=${'x'.repeat(200)}`), 400, 'invalid_request');
  });

  it('answers another media type with a 415 problem and a too large body with 413', async () => {
    const assertion = await signClientAssertion(svc);
    const asJson = await t.app.request(TOKEN_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion }),
    });
    const problem = await expectProblem(asJson, 415, 'unsupported_media_type');
    expect(problem.detail).toMatch(/x-www-form-urlencoded/);
    await expectProblem(await t.app.request(TOKEN_PATH, { method: 'POST', body: tokenForm(assertion) }), 415, 'unsupported_media_type');
    await expectProblem(await postTokenForm(t.app, `grant_type=${'x'.repeat(t.config.bodyLimitBytes)}`), 413, 'payload_too_large');
    // The exception is for this exact path: other /v1 routes still take JSON only.
    await expectProblem(
      await t.app.request('/v1/me/consents', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' }),
      415,
      'unsupported_media_type',
    );
  });

  it('allows only POST', async () => {
    const res = await t.app.request(TOKEN_PATH);
    expect(res.status).toBe(405);
  });
});
