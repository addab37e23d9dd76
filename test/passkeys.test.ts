import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSoftAuthenticator } from '../src/devtools/soft-authenticator.js';
import {
  bearer,
  bodyOf,
  type CreationCeremony,
  type PasskeyBody,
  type RequestCeremony,
  type SessionBody,
  signInCitizen,
  signUpCitizen,
  type SignedInCitizen,
} from './support/citizen.js';

interface SessionPage {
  items: SessionBody[];
  nextCursor: string | null;
}
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

const soft = (alg: 'ES256' | 'Ed25519') => createSoftAuthenticator({ alg, origin: new URL(ctx.config.publicUrl).origin, rpId: ctx.config.rpId });
const req = (method: string, path: string, token: string, body?: unknown) => ctx.app.request(path, json(method, body, bearer(token)));

async function addPasskey(who: SignedInCitizen, alg: 'ES256' | 'Ed25519', name?: string) {
  const started = await bodyOf<CreationCeremony>(await req('POST', '/v1/me/passkeys/options', who.token, {}));
  const authenticator = soft(alg);
  const res = await req('POST', '/v1/me/passkeys', who.token, { ceremonyId: started.ceremonyId, response: await authenticator.register(started.options), name });
  expect(res.status).toBe(201);
  return { passkey: await bodyOf<PasskeyBody>(res), authenticator, options: started.options };
}
const list = async (who: SignedInCitizen) => (await bodyOf<{ items: PasskeyBody[] }>(await req('GET', '/v1/me/passkeys', who.token))).items;
const sessions = async (token: string, query = '') => bodyOf<SessionPage>(await req('GET', `/v1/me/sessions${query}`, token));

describe('managing passkeys', () => {
  it('adds, lists, renames and removes passkeys, never the last one', async () => {
    const who = await signUpCitizen(ctx.app, ctx.config, { alg: 'ES256' });
    const first = (await list(who))[0]!;
    expect(first).toMatchObject({ name: 'Passkey', deviceType: 'multiDevice', backedUp: true, lastUsedAt: null });
    expect(first.id).toBe(who.authenticator.credentials[0]!.id);

    ctx.clock.advance(1000); // passkeys are listed by creation time
    const added = await addPasskey(who, 'Ed25519', 'Laptop');
    // The options exclude the credential the citizen already has (WebAuthn L3 §5.4.3).
    expect(added.options.excludeCredentials!.map((c) => c.id)).toEqual([first.id]);
    expect(added.options.user.id).toBe(who.authenticator.credentials[0]!.userHandle);
    await expect(who.authenticator.register(added.options)).rejects.toThrow(/already holds/);
    expect(added.passkey).toMatchObject({ name: 'Laptop' });
    expect((await list(who)).map((p) => p.name)).toEqual(['Passkey', 'Laptop']);

    // The new passkey signs in to the same account.
    expect((await signInCitizen(ctx.app, added.authenticator)).citizenId).toBe(who.citizenId);

    const renamed = await req('PATCH', `/v1/me/passkeys/${first.id}`, who.token, { name: '  Phone  ' });
    expect(renamed.status).toBe(200);
    expect((await bodyOf<PasskeyBody>(renamed)).name).toBe('Phone');

    expect((await req('DELETE', `/v1/me/passkeys/${first.id}`, who.token)).status).toBe(204);
    expect((await list(who)).map((p) => p.name)).toEqual(['Laptop']);
    await expectProblem(await req('DELETE', `/v1/me/passkeys/${first.id}`, who.token), 404, 'not_found');
    await expectProblem(await req('DELETE', `/v1/me/passkeys/${added.passkey.id}`, who.token), 409, 'last_passkey');

    // The removed passkey no longer signs in.
    const s = await bodyOf<RequestCeremony>(await ctx.app.request('/v1/auth/signin/options', json('POST', {})));
    const res = await ctx.app.request('/v1/auth/signin/verify', json('POST', { ceremonyId: s.ceremonyId, response: await who.authenticator.authenticate(s.options) }));
    await expectProblem(res, 401, 'passkey_unknown');

    const audit = await ctx.db.query<{ type: string }>("select type from audit_events where citizen_id = $1 and type like 'passkey.%' order by seq", [
      who.citizenId,
    ]);
    expect(audit.map((a) => a.type)).toEqual(['passkey.added', 'passkey.renamed', 'passkey.removed']);
  });

  it('removing two passkeys at once still leaves one', async () => {
    const who = await signUpCitizen(ctx.app, ctx.config);
    const b = await addPasskey(who, 'Ed25519');
    const ids = [who.authenticator.credentials[0]!.id, b.passkey.id];
    const statuses = (await Promise.all(ids.map((id) => req('DELETE', `/v1/me/passkeys/${id}`, who.token)))).map((r) => r.status).sort();
    expect(statuses).toEqual([204, 409]);
    expect(await list(who)).toHaveLength(1);
  });

  it("an add-passkey ceremony belongs to the citizen who started it", async () => {
    const alice = await signUpCitizen(ctx.app, ctx.config);
    const bob = await signUpCitizen(ctx.app, ctx.config);
    const started = await bodyOf<CreationCeremony>(await req('POST', '/v1/me/passkeys/options', alice.token, {}));
    const response = await soft('ES256').register(started.options);
    await expectProblem(await req('POST', '/v1/me/passkeys', bob.token, { ceremonyId: started.ceremonyId, response }), 400, 'challenge_invalid');
    // Bob's attempt did not use up Alice's ceremony: she can still finish it, once.
    expect((await req('POST', '/v1/me/passkeys', alice.token, { ceremonyId: started.ceremonyId, response })).status).toBe(201);
    await expectProblem(await req('POST', '/v1/me/passkeys', alice.token, { ceremonyId: started.ceremonyId, response }), 400, 'challenge_invalid');
    expect(await list(alice)).toHaveLength(2);
    expect(await list(bob)).toHaveLength(1);
  });
});

describe('isolation between citizens', () => {
  it("never shows or touches another citizen's passkeys or sessions (404)", async () => {
    const alice = await signUpCitizen(ctx.app, ctx.config);
    const bob = await signUpCitizen(ctx.app, ctx.config);
    await addPasskey(alice, 'Ed25519');
    const aliceKey = alice.authenticator.credentials[0]!.id;

    expect((await list(bob)).map((p) => p.id)).not.toContain(aliceKey);
    await expectProblem(await req('PATCH', `/v1/me/passkeys/${aliceKey}`, bob.token, { name: 'mine now' }), 404, 'not_found');
    await expectProblem(await req('DELETE', `/v1/me/passkeys/${aliceKey}`, bob.token), 404, 'not_found');

    const aliceSessions = (await sessions(alice.token)).items;
    const bobSessions = (await sessions(bob.token)).items;
    expect(bobSessions.map((s) => s.id)).not.toContain(aliceSessions[0]!.id);
    await expectProblem(await req('DELETE', `/v1/me/sessions/${aliceSessions[0]!.id}`, bob.token), 404, 'not_found');

    // Alice is untouched.
    expect((await list(alice)).map((p) => p.name)).toEqual(['Passkey', 'Passkey']);
    expect((await req('GET', '/v1/me', alice.token)).status).toBe(200);
  });
});

describe('managing sessions', () => {
  it('lists live sessions newest first with a cursor, and revokes one', async () => {
    const who = await signUpCitizen(ctx.app, ctx.config);
    ctx.clock.advance(1000); // session ids are UUIDv7: time-ordered
    const second = await signInCitizen(ctx.app, who.authenticator);
    ctx.clock.advance(1000);
    const third = await signInCitizen(ctx.app, who.authenticator);

    const all = (await sessions(third.token)).items;
    expect(all).toHaveLength(3);
    expect(all.map((s) => s.current)).toEqual([true, false, false]);

    const page1 = await sessions(third.token, '?limit=2');
    expect(page1.items).toHaveLength(2);
    const page2 = await sessions(third.token, `?limit=2&cursor=${page1.nextCursor}`);
    expect(page2.items).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    expect([...page1.items, ...page2.items].map((s) => s.id)).toEqual(all.map((s) => s.id));

    // Revoke the second session from the third.
    const target = all[1]!.id;
    expect((await req('DELETE', `/v1/me/sessions/${target}`, third.token)).status).toBe(204);
    await expectProblem(await req('GET', '/v1/me', second.token), 401, 'unauthenticated');
    await expectProblem(await req('DELETE', `/v1/me/sessions/${target}`, third.token), 404, 'not_found');
    expect((await sessions(third.token)).items).toHaveLength(2);

    // Revoking the current session signs out.
    const self = await req('DELETE', `/v1/me/sessions/${all[0]!.id}`, third.token);
    expect(self.status).toBe(204);
    expect(self.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    await expectProblem(await req('GET', '/v1/me', third.token), 401, 'unauthenticated');
    expect((await req('GET', '/v1/me', who.token)).status).toBe(200);

    const audit = await ctx.db.query<{ type: string }>("select type from audit_events where citizen_id = $1 order by seq", [who.citizenId]);
    expect(audit.map((a) => a.type)).toEqual([
      'citizen.signed_up',
      'citizen.signed_in',
      'citizen.signed_in',
      'session.revoked',
      'citizen.signed_out',
    ]);
  });
});
