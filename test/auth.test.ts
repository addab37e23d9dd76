import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSoftAuthenticator, type SoftAlg } from '../src/devtools/soft-authenticator.js';
import { fromB64, b64url } from '@permis/sdk/encoding';
import { bearer, bodyOf, type CreationCeremony, type RequestCeremony, type SignedInBody, signInCitizen, signUpCitizen } from './support/citizen.js';
import { expectProblem } from './support/expect-problem.js';
import { createTestContext, json, type TestContext } from './support/harness.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  expect(ctx.logged.filter((l) => l.level === 'error')).toEqual([]);
  await ctx?.close();
});

const origin = () => new URL(ctx.config.publicUrl).origin;
const soft = (alg: SoftAlg = 'ES256', extra: Partial<Parameters<typeof createSoftAuthenticator>[0]> = {}) =>
  createSoftAuthenticator({ alg, origin: origin(), rpId: ctx.config.rpId, ...extra });
const post = (path: string, body: unknown, headers: Record<string, string> = {}) => ctx.app.request(path, json('POST', body, headers));

async function signupOptions(displayName = 'Laia') {
  const res = await post('/v1/auth/signup/options', { displayName });
  expect(res.status).toBe(200);
  return bodyOf<CreationCeremony>(res);
}
async function signinOptions() {
  const res = await post('/v1/auth/signin/options', {});
  expect(res.status).toBe(200);
  return bodyOf<RequestCeremony>(res);
}
const auditTypes = async (citizenId: string) =>
  (
    await ctx.db.query<{ type: string; actor_type: string }>('select type, actor_type from audit_events where citizen_id = $1 order by seq', [
      citizenId,
    ])
  ).map((r) => `${r.actor_type}:${r.type}`);

describe.each(['ES256', 'Ed25519'] as const)('passkey sign-up and sign-in with %s', (alg) => {
  it('signs up, sets the session cookie, and the token works as Bearer and as cookie', async () => {
    const a = soft(alg);
    const { ceremonyId, options } = await signupOptions('Núria Puig');
    expect(options.rp.id).toBe(ctx.config.rpId);
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    expect(options.pubKeyCredParams.map((p) => p.alg)).toEqual([-8, -7, -257]);
    expect(fromB64(options.challenge).length).toBe(32);

    const res = await post('/v1/auth/signup/verify', { ceremonyId, response: await a.register(options), passkeyName: 'Phone' });
    expect(res.status).toBe(201);
    const body = await bodyOf<SignedInBody>(res);
    expect(body.citizen).toMatchObject({ displayName: 'Núria Puig' });
    expect(body.citizen.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.session.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Date(body.session.expiresAt).getTime()).toBe(ctx.clock.now().getTime() + ctx.config.sessionTtlSeconds * 1000);

    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toContain(`__Host-permis_session=${body.session.token}`);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Domain=/i);

    const viaBearer = await ctx.app.request('/v1/me', { headers: bearer(body.session.token) });
    expect(viaBearer.status).toBe(200);
    expect(await viaBearer.json()).toEqual(body.citizen);
    const viaCookie = await ctx.app.request('/v1/me', { headers: { cookie: `__Host-permis_session=${body.session.token}` } });
    expect(viaCookie.status).toBe(200);

    // Only the hash of the token is stored.
    const stored = await ctx.db.query<{ token_hash: string }>('select token_hash from sessions where citizen_id = $1', [body.citizen.id]);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).not.toBe(body.session.token);
    const passkeys = await ctx.db.query<{ name: string; counter: bigint }>('select name, counter from passkeys where citizen_id = $1', [body.citizen.id]);
    expect(passkeys).toMatchObject([{ name: 'Phone' }]);
    expect(await auditTypes(body.citizen.id)).toEqual(['citizen:citizen.signed_up']);
  });

  it('signs in with a discoverable credential, bumps the counter and audits it', async () => {
    const up = await signUpCitizen(ctx.app, ctx.config, { alg });
    const first = await signInCitizen(ctx.app, up.authenticator);
    const second = await signInCitizen(ctx.app, up.authenticator);
    expect(first.citizenId).toBe(up.citizenId);
    expect(second.citizenId).toBe(up.citizenId);
    expect(new Set([up.token, first.token, second.token]).size).toBe(3);
    const [pk] = await ctx.db.query<{ counter: bigint; last_used_at: Date | null }>('select counter, last_used_at from passkeys where citizen_id = $1', [
      up.citizenId,
    ]);
    expect(Number(pk!.counter)).toBe(2);
    expect(pk!.last_used_at).not.toBeNull();
    expect(await auditTypes(up.citizenId)).toEqual(['citizen:citizen.signed_up', 'citizen:citizen.signed_in', 'citizen:citizen.signed_in']);
    const me = await ctx.app.request('/v1/me', { headers: bearer(second.token) });
    expect((await bodyOf<SignedInBody['citizen']>(me)).id).toBe(up.citizenId);
  });

  it('refuses a registration from another origin or for another RP id', async () => {
    for (const overrides of [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }]) {
      const { ceremonyId, options } = await signupOptions();
      const res = await post('/v1/auth/signup/verify', { ceremonyId, response: await soft(alg).register(options, overrides) });
      await expectProblem(res, 400, 'passkey_verification_failed');
    }
  });

  it('refuses an assertion from another origin, for another RP id, without UV, or with a bad signature', async () => {
    const up = await signUpCitizen(ctx.app, ctx.config, { alg });
    for (const overrides of [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }, { withoutUserVerification: true }]) {
      const { ceremonyId, options } = await signinOptions();
      const res = await post('/v1/auth/signin/verify', { ceremonyId, response: await up.authenticator.authenticate(options, overrides) });
      await expectProblem(res, 401, 'passkey_verification_failed');
    }
    // Tampered signature.
    {
      const { ceremonyId, options } = await signinOptions();
      const response = await up.authenticator.authenticate(options);
      const sig = fromB64(response.response.signature);
      sig[sig.length - 3]! ^= 0x01;
      response.response.signature = b64url(sig);
      await expectProblem(await post('/v1/auth/signin/verify', { ceremonyId, response }), 401, 'passkey_verification_failed');
    }
    // Tampered authenticator data (counter bits), signature left as it was.
    {
      const { ceremonyId, options } = await signinOptions();
      const response = await up.authenticator.authenticate(options);
      const ad = fromB64(response.response.authenticatorData);
      ad[36]! ^= 0x40;
      response.response.authenticatorData = b64url(ad);
      await expectProblem(await post('/v1/auth/signin/verify', { ceremonyId, response }), 401, 'passkey_verification_failed');
    }
    // An assertion over another challenge.
    {
      const { ceremonyId } = await signinOptions();
      const response = await up.authenticator.authenticateChallenge(new Uint8Array(32).fill(7));
      await expectProblem(await post('/v1/auth/signin/verify', { ceremonyId, response }), 401, 'passkey_verification_failed');
    }
    // Someone else's user handle.
    {
      const { ceremonyId, options } = await signinOptions();
      const response = await up.authenticator.authenticate(options);
      response.response.userHandle = b64url(new Uint8Array(32).fill(1));
      await expectProblem(await post('/v1/auth/signin/verify', { ceremonyId, response }), 401, 'passkey_verification_failed');
    }
    // Still works with an honest assertion.
    expect((await signInCitizen(ctx.app, up.authenticator)).citizenId).toBe(up.citizenId);
  });
});

describe('structurally valid garbage', () => {
  it('is a verification failure, never a 500', async () => {
    const junk = b64url(new Uint8Array([0xff, 0x00, 0x13, 0x37]));
    const a = soft();
    for (const patch of [{ attestationObject: junk }, { clientDataJSON: junk }, { clientDataJSON: b64url(new TextEncoder().encode('{"type":1}')) }]) {
      const { ceremonyId, options } = await signupOptions();
      const response = await a.register(options);
      Object.assign(response.response, patch);
      await expectProblem(await post('/v1/auth/signup/verify', { ceremonyId, response }), 400, 'passkey_verification_failed');
    }
    const up = await signUpCitizen(ctx.app, ctx.config);
    for (const patch of [{ authenticatorData: junk }, { signature: junk }, { clientDataJSON: junk }]) {
      const { ceremonyId, options } = await signinOptions();
      const response = await up.authenticator.authenticate(options);
      Object.assign(response.response, patch);
      await expectProblem(await post('/v1/auth/signin/verify', { ceremonyId, response }), 401, 'passkey_verification_failed');
    }
  });
});

describe('challenges are single-use and short-lived', () => {
  it('refuses a replayed sign-up and sign-in ceremony', async () => {
    const a = soft();
    const { ceremonyId, options } = await signupOptions();
    const response = await a.register(options);
    expect((await post('/v1/auth/signup/verify', { ceremonyId, response })).status).toBe(201);
    await expectProblem(await post('/v1/auth/signup/verify', { ceremonyId, response }), 400, 'challenge_invalid');

    const s = await signinOptions();
    const assertion = await a.authenticate(s.options);
    expect((await post('/v1/auth/signin/verify', { ceremonyId: s.ceremonyId, response: assertion })).status).toBe(200);
    await expectProblem(await post('/v1/auth/signin/verify', { ceremonyId: s.ceremonyId, response: assertion }), 400, 'challenge_invalid');
  });

  it('uses up the challenge even when verification fails', async () => {
    const a = soft();
    const { ceremonyId, options } = await signupOptions();
    await expectProblem(
      await post('/v1/auth/signup/verify', { ceremonyId, response: await a.register(options, { origin: 'https://evil.example' }) }),
      400,
      'passkey_verification_failed',
    );
    await expectProblem(await post('/v1/auth/signup/verify', { ceremonyId, response: await a.register(options) }), 400, 'challenge_invalid');
  });

  it('refuses an expired challenge', async () => {
    const a = soft();
    const { ceremonyId, options } = await signupOptions();
    const response = await a.register(options);
    const t0 = ctx.clock.now();
    ctx.clock.advance(ctx.config.challengeTtlSeconds * 1000 + 1);
    try {
      await expectProblem(await post('/v1/auth/signup/verify', { ceremonyId, response }), 400, 'challenge_invalid');
    } finally {
      ctx.clock.set(t0);
    }
  });

  it('refuses a ceremony id of another purpose or that never existed', async () => {
    const up = await signUpCitizen(ctx.app, ctx.config);
    const { ceremonyId } = await signupOptions();
    const s = await signinOptions();
    const assertion = await up.authenticator.authenticate(s.options);
    await expectProblem(await post('/v1/auth/signin/verify', { ceremonyId, response: assertion }), 400, 'challenge_invalid');
    await expectProblem(
      await post('/v1/auth/signin/verify', { ceremonyId: '01890000-0000-7000-8000-000000000000', response: assertion }),
      400,
      'challenge_invalid',
    );
  });
});

describe('credentials', () => {
  it('refuses an unknown credential', async () => {
    const a = soft();
    // The authenticator creates a credential, but the registration is never completed.
    await a.register((await signupOptions()).options);
    const { ceremonyId, options } = await signinOptions();
    await expectProblem(await post('/v1/auth/signin/verify', { ceremonyId, response: await a.authenticate(options) }), 401, 'passkey_unknown');
  });

  it('detects a cloned authenticator by its signature counter (WebAuthn L3 §6.1.1)', async () => {
    const up = await signUpCitizen(ctx.app, ctx.config);
    const clone = up.authenticator.clone();
    await signInCitizen(ctx.app, up.authenticator); // counter 1
    await signInCitizen(ctx.app, up.authenticator); // counter 2
    const { ceremonyId, options } = await signinOptions();
    const res = await post('/v1/auth/signin/verify', { ceremonyId, response: await clone.authenticate(options) }); // counter 1 again
    await expectProblem(res, 401, 'passkey_verification_failed');
  });

  it('accepts authenticators that always report a zero counter', async () => {
    const a = soft('Ed25519', { signCount: 'zero' });
    const up = await signUpCitizen(ctx.app, ctx.config, { authenticator: a });
    await signInCitizen(ctx.app, a);
    expect((await signInCitizen(ctx.app, a)).citizenId).toBe(up.citizenId);
  });

  it('refuses sign-in and sessions of an erased citizen', async () => {
    const up = await signUpCitizen(ctx.app, ctx.config);
    await ctx.db.query('update citizens set erased_at = $2 where id = $1', [up.citizenId, ctx.clock.now()]);
    await expectProblem(await ctx.app.request('/v1/me', { headers: bearer(up.token) }), 401, 'unauthenticated');
    const { ceremonyId, options } = await signinOptions();
    await expectProblem(
      await post('/v1/auth/signin/verify', { ceremonyId, response: await up.authenticator.authenticate(options) }),
      401,
      'unauthenticated',
    );
  });
});

describe('sessions', () => {
  it('needs a valid session for /v1/me', async () => {
    await expectProblem(await ctx.app.request('/v1/me'), 401, 'unauthenticated');
    await expectProblem(await ctx.app.request('/v1/me', { headers: { authorization: 'Bearer nope' } }), 401, 'unauthenticated');
    await expectProblem(await ctx.app.request('/v1/me', { headers: { authorization: `Bearer ${'A'.repeat(43)}` } }), 401, 'unauthenticated');
    await expectProblem(await ctx.app.request('/v1/me', { headers: { authorization: 'Basic dTpw' } }), 401, 'unauthenticated');
    await expectProblem(await ctx.app.request('/v1/me', { headers: { cookie: '__Host-permis_session=garbage' } }), 401, 'unauthenticated');
  });

  it('signs out: the session is revoked and the cookie cleared', async () => {
    const up = await signUpCitizen(ctx.app, ctx.config);
    const other = await signInCitizen(ctx.app, up.authenticator);
    const res = await ctx.app.request('/v1/auth/signout', { method: 'POST', headers: { cookie: `__Host-permis_session=${up.token}` } });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/__Host-permis_session=;.*Max-Age=0/);
    await expectProblem(await ctx.app.request('/v1/me', { headers: bearer(up.token) }), 401, 'unauthenticated');
    await expectProblem(await ctx.app.request('/v1/auth/signout', { method: 'POST', headers: bearer(up.token) }), 401, 'unauthenticated');
    // Other sessions live on.
    expect((await ctx.app.request('/v1/me', { headers: bearer(other.token) })).status).toBe(200);
    expect(await auditTypes(up.citizenId)).toEqual(['citizen:citizen.signed_up', 'citizen:citizen.signed_in', 'citizen:citizen.signed_out']);
  });

  it('refuses an expired session', async () => {
    const up = await signUpCitizen(ctx.app, ctx.config);
    const t0 = ctx.clock.now();
    try {
      ctx.clock.advance(ctx.config.sessionTtlSeconds * 1000 - 1000);
      expect((await ctx.app.request('/v1/me', { headers: bearer(up.token) })).status).toBe(200);
      ctx.clock.advance(1000);
      await expectProblem(await ctx.app.request('/v1/me', { headers: bearer(up.token) }), 401, 'unauthenticated');
    } finally {
      ctx.clock.set(t0);
    }
  });
});
