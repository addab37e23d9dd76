import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpired } from '../src/jobs/expiry-sweep.js';
import { signUpAdmin, signUpOfficer } from './support/admin.js';
import { bearer, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { getPage } from './support/portal.js';
import { send } from './support/requests.js';
import { acceptRelationship, authoriseAndAccept, bornAgo, recordRelationship } from './support/representation.js';
import { createServiceWithKey, type TestService } from './support/service-client.js';

let t: TestContext;
let officer: SignedInCitizen;
let admin: SignedInCitizen;
let parent: SignedInCitizen;
let alice: SignedInCitizen;
let bob: SignedInCitizen;
let carol: SignedInCitizen;
let svc: TestService;
const DAY = 86_400_000;

/** Asserts a `send` answer is the problem `code` with `status`. */
function expectProblem(r: { status: number; body: { code?: string } | null }, status: number, code: string): void {
  expect({ status: r.status, code: r.body?.code }, JSON.stringify(r.body)).toEqual({ status, code });
}

beforeAll(async () => {
  t = await createTestContext({ config: { sessionTtlSeconds: 300 * 86_400, timeZone: 'UTC' } });
  officer = await signUpOfficer(t);
  admin = await signUpAdmin(t);
  parent = await signUpCitizen(t.app, t.config, { displayName: 'Parent' });
  alice = await signUpCitizen(t.app, t.config, { displayName: 'Alice' });
  bob = await signUpCitizen(t.app, t.config, { displayName: 'Bob', alg: 'Ed25519' });
  carol = await signUpCitizen(t.app, t.config, { displayName: 'Carol' });
  svc = await createServiceWithKey(t);
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

describe(`representation relationships on ${ENGINE}`, () => {
  it('an officer records parental authority for a child without an account; it ends on the 14th birthday', async () => {
    const now = t.clock.now();
    // Born 14 years minus 30 days ago: the 14th birthday is 30 days away.
    const birthDate = bornAgo(now, 14, -30);
    const rel = await recordRelationship(t, officer, { kind: 'parental_authority', representativeId: parent.citizenId, represented: { displayName: 'Child' }, birthDate, evidenceRef: 'Llibre de família 123/2016' });
    expect(rel).toMatchObject({ kind: 'parental_authority', status: 'active', revision: 1, services: null, actions: ['view', 'grant', 'narrow', 'pause', 'withdraw'], evidenceRef: 'Llibre de família 123/2016', birthDate });
    expect(rel.represented).toMatchObject({ displayName: 'Child', managed: true });
    expect(rel.validUntil).toBe(`${Number(birthDate.slice(0, 4)) + 14}${birthDate.slice(4)}T00:00:00.000Z`);

    // The parent sees the child among the people they represent; the evidence stays with officers.
    const mine = await send(t, 'GET', '/v1/me/representations', bearer(parent.token));
    expect(mine.status).toBe(200);
    const seen = mine.body.items.find((x: { id: string }) => x.id === rel.id);
    expect(seen).toMatchObject({ role: 'representative', inForce: true, deniedReason: null, represented: { displayName: 'Child', managed: true } });
    expect(seen.evidenceRef).toBeUndefined();
    expect(seen.birthDate).toBeUndefined();

    // Officers list the relationships that end within N days.
    const soon = await send(t, 'GET', '/v1/officer/representations?endingWithinDays=28', bearer(officer.token));
    expect(soon.status).toBe(200);
    expect(soon.body.items.map((x: { id: string }) => x.id)).not.toContain(rel.id);
    const window = await send(t, 'GET', '/v1/officer/representations?endingWithinDays=31&kind=parental_authority', bearer(admin.token));
    expect(window.status).toBe(200);
    expect(window.body.items.map((x: { id: string }) => x.id)).toContain(rel.id);
    expect((await send(t, 'GET', '/v1/officer/representations?endingWithinDays=31', bearer(parent.token))).status).toBe(403);

    // Time passes: at the 14th birthday the parent's access stops at once, before any sweep.
    t.clock.set(new Date(new Date(rel.validUntil).getTime() - 1));
    let again = (await send(t, 'GET', '/v1/me/representations', bearer(parent.token))).body.items.find((x: { id: string }) => x.id === rel.id);
    expect(again).toMatchObject({ inForce: true });
    t.clock.set(new Date(rel.validUntil));
    again = (await send(t, 'GET', '/v1/me/representations', bearer(parent.token))).body.items.find((x: { id: string }) => x.id === rel.id);
    expect(again).toMatchObject({ status: 'active', inForce: false, deniedReason: 'ended_by_age' });
    // The sweep records the end.
    expect(await sweepExpired(t.deps)).toBeGreaterThanOrEqual(1);
    const detail = await send(t, 'GET', `/v1/officer/representations/${rel.id}`, bearer(officer.token));
    expect(detail.body).toMatchObject({ status: 'ended', endReason: 'ended_by_age', revision: 2 });
    expect(detail.body.revisions.map((r: { event: string }) => r.event)).toEqual(['recorded', 'ended']);
    const events = await t.db.query<{ type: string; actor_type: string }>(`select type, actor_type from audit_events where data->>'representationId' = $1 order by seq`, [rel.id]);
    expect(events).toEqual([
      { type: 'representation.recorded', actor_type: 'officer' },
      { type: 'representation.ended', actor_type: 'system' },
    ]);
    t.clock.set(now);
  });

  it('refuses what cannot be recorded, with clear problems', async () => {
    const now = t.clock.now();
    const post = (who: SignedInCitizen, body: Record<string, unknown>) => send(t, 'POST', '/v1/officer/representations', bearer(who.token), body);
    const base = { kind: 'parental_authority', representativeId: parent.citizenId, represented: { displayName: 'Kid' }, evidenceRef: 'ref' };
    expectProblem(await post(alice, { ...base, birthDate: bornAgo(now, 5) }), 403, 'forbidden');
    expectProblem(await send(t, 'POST', '/v1/officer/representations', { 'content-type': 'application/json' }, { ...base, birthDate: bornAgo(now, 5) }), 401, 'unauthenticated');
    expectProblem(await send(t, 'GET', '/v1/officer/representations', {}), 401, 'unauthenticated');
    expectProblem(await send(t, 'GET', `/v1/officer/representations/${crypto.randomUUID()}`, bearer(officer.token)), 404, 'not_found');
    expectProblem(await send(t, 'GET', '/v1/officer/representations?endingWithinDays=-1', bearer(officer.token)), 400, 'validation_failed');
    expectProblem(await post(officer, base), 400, 'representation_invalid');
    expectProblem(await post(officer, { ...base, birthDate: bornAgo(now, 14) }), 400, 'representation_invalid');
    expectProblem(await post(officer, { ...base, birthDate: '2020-02-30' }), 400, 'representation_invalid');
    expectProblem(await post(officer, { ...base, birthDate: bornAgo(now, 5), representativeId: '01938f2e-8a4b-7c3d-9e5f-0a1b2c3d4e5f' }), 400, 'representation_invalid');
    expectProblem(await post(officer, { ...base, represented: { citizenId: parent.citizenId }, birthDate: bornAgo(now, 5) }), 400, 'representation_invalid');
    expectProblem(await post(officer, { kind: 'support_measure', representativeId: parent.citizenId, represented: { citizenId: carol.citizenId }, evidenceRef: 'x', birthDate: '1950-01-01' }), 400, 'representation_invalid');
    expectProblem(await post(officer, { ...base, evidenceRef: '' }), 400, 'validation_failed');
    const support = { kind: 'support_measure', representativeId: parent.citizenId, represented: { citizenId: carol.citizenId }, evidenceRef: 'Interlocutòria 55/2025', assistance: true };
    const ok = await post(officer, support);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body).toMatchObject({ kind: 'support_measure', assistance: true, validUntil: null, birthDate: null });
    expectProblem(await post(officer, support), 409, 'conflict');
    // The supported person sees who supports them; only an officer can end it.
    const seen = (await send(t, 'GET', '/v1/me/representations', bearer(carol.token))).body.items.find((x: { id: string }) => x.id === ok.body.id);
    expect(seen).toMatchObject({ role: 'represented', inForce: true });
    expectProblem(await send(t, 'POST', `/v1/me/representations/${ok.body.id}/revoke`, bearer(carol.token)), 403, 'forbidden');
    const ended = await send(t, 'POST', `/v1/officer/representations/${ok.body.id}/end`, bearer(officer.token), { reason: 'Court decision revoked' });
    expect(ended.body).toMatchObject({ status: 'ended', endReason: 'Court decision revoked' });
    expectProblem(await send(t, 'POST', `/v1/officer/representations/${ok.body.id}/end`, bearer(officer.token), { reason: 'again' }), 409, 'representation_not_active');
  });

  it('voluntary representation: A authorises B, B accepts with a passkey over the terms, A revokes in one step', async () => {
    const validUntil = new Date(t.clock.now().getTime() + 30 * DAY).toISOString();
    const made = await send(t, 'POST', '/v1/me/representations', bearer(alice.token), { representativeId: bob.citizenId, services: [svc.id], actions: ['withdraw', 'view'], validUntil });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ kind: 'voluntary', status: 'pending', role: 'represented', services: [svc.id], actions: ['view', 'withdraw'], inForce: false, deniedReason: 'not_accepted' });

    // Nobody else can accept it; the ceremony commits to exactly these terms.
    expectProblem(await send(t, 'POST', `/v1/me/representations/${made.body.id}/acceptance`, bearer(carol.token)), 404, 'not_found');
    const start = await send(t, 'POST', `/v1/me/representations/${made.body.id}/acceptance`, bearer(bob.token));
    expect(start.status).toBe(200);
    const termsHash = createHash('sha256').update(canonicalize(start.body.terms)!).digest('base64url');
    expect(start.body.termsHash).toBe(termsHash);
    expect(start.body.terms).toMatchObject({ representationId: made.body.id, revision: 1, services: [svc.id], actions: ['view', 'withdraw'] });
    const challenge = createHash('sha256').update(Buffer.concat([Buffer.from(start.body.nonce, 'base64url'), Buffer.from(termsHash, 'base64url')])).digest('base64url');
    expect(start.body.options.challenge).toBe(challenge);
    // Another citizen's passkey does not do.
    const foreign = await carol.authenticator.authenticateChallenge(start.body.options.challenge);
    expectProblem(await send(t, 'POST', `/v1/me/representations/${made.body.id}/accept`, bearer(bob.token), { ceremonyId: start.body.ceremonyId, response: foreign }), 401, 'passkey_verification_failed');
    const accepted = await acceptRelationship(t, bob, made.body.id);
    expect(accepted).toMatchObject({ status: 'active', revision: 2, role: 'representative', inForce: true });
    expectProblem(await send(t, 'POST', `/v1/me/representations/${made.body.id}/acceptance`, bearer(bob.token)), 409, 'representation_not_active');
    // The acceptance's signature is kept with the revision.
    const [rev] = await t.db.query<{ snapshot: { acceptance: { termsHash: string; signature: { credentialId: string } } } }>(
      'select snapshot from representation_revisions where representation_id = $1 and revision = 2',
      [made.body.id],
    );
    expect(rev!.snapshot.acceptance.termsHash).toBeTruthy();
    expect(rev!.snapshot.acceptance.signature.credentialId).toBe(bob.authenticator.credentials[0]!.id);

    expectProblem(await send(t, 'POST', '/v1/me/representations', bearer(alice.token), { representativeId: bob.citizenId, services: 'all', actions: ['view'], validUntil }), 409, 'conflict');
    const revoked = await send(t, 'POST', `/v1/me/representations/${made.body.id}/revoke`, bearer(alice.token));
    expect(revoked.body).toMatchObject({ status: 'revoked', revision: 3, inForce: false, deniedReason: 'revoked' });
    expectProblem(await send(t, 'POST', `/v1/me/representations/${made.body.id}/revoke`, bearer(alice.token)), 409, 'representation_not_active');
    expectProblem(await send(t, 'POST', `/v1/me/representations/${made.body.id}/revoke`, bearer(carol.token)), 404, 'not_found');
    const types = await t.db.query<{ type: string }>(`select type from audit_events where data->>'representationId' = $1 order by seq`, [made.body.id]);
    expect(types.map((x) => x.type)).toEqual(['representation.authorised', 'representation.accepted', 'representation.revoked']);
    // The represented person reads each of them in "Who used my data", in their language.
    const { html } = await getPage(t, '/access-log', { token: alice.token, lang: 'ca' });
    for (const label of ['Has autoritzat algú a representar-te', 'La teva representant ha acceptat', 'Has revocat una representació']) expect(html).toContain(label);
  });

  it('refuses voluntary authorisations out of bounds; the representative can decline or renounce', async () => {
    const post = (body: Record<string, unknown>) => send(t, 'POST', '/v1/me/representations', bearer(carol.token), body);
    const validUntil = new Date(t.clock.now().getTime() + 30 * DAY).toISOString();
    expectProblem(await post({ representativeId: carol.citizenId, services: 'all', actions: ['view'], validUntil }), 400, 'representation_invalid');
    expectProblem(await post({ representativeId: bob.citizenId, services: 'all', actions: ['view'], validUntil: new Date(t.clock.now().getTime() + 6 * 366 * DAY).toISOString() }), 400, 'representation_invalid');
    expectProblem(await post({ representativeId: bob.citizenId, services: ['01938f2e-8a4b-7c3d-9e5f-0a1b2c3d4e5f'], actions: ['view'], validUntil }), 400, 'representation_invalid');
    expectProblem(await post({ representativeId: bob.citizenId, services: 'all', actions: ['sell'], validUntil }), 400, 'validation_failed');
    const pending = await post({ representativeId: bob.citizenId, services: 'all', actions: ['view'], validUntil });
    const declined = await send(t, 'POST', `/v1/me/representations/${pending.body.id}/revoke`, bearer(bob.token));
    expect(declined.body).toMatchObject({ status: 'declined', role: 'representative' });
    const active = await authoriseAndAccept(t, carol, bob);
    const renounced = await send(t, 'POST', `/v1/me/representations/${active.id}/revoke`, bearer(bob.token));
    expect(renounced.body).toMatchObject({ status: 'ended', endReason: 'renounced' });
  });
});
