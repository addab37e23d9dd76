/**
 * "Who used my data" and the export (GDPR Arts. 15/20): the citizen's access log
 * lists every check and action about them, each with leaf data and an inclusion proof that
 * verifies against the signed checkpoint — with the project's verifier and with an independent
 * one written from RFC 9162 and C2SP over node:crypto alone; other citizens and services see
 * none of it; filters, paging and bad input behave.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCheckpoint } from '../src/crypto/checkpoint.js';
import { leafHash, verifyInclusion } from '../src/crypto/merkle/index.js';
import { verifyNote } from '../src/crypto/signed-note.js';
import { integrateLog } from '../src/log/integrate-log.js';
import { bearer, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { expectProblem } from './support/expect-problem.js';
import { grantBody } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { getJson } from './support/log.js';
import { approveConsentRequest, createConsentRequest, send } from './support/requests.js';
import { rfcVerifyInclusion, verifyCheckpointNote } from './support/rfc9162.js';
import { createServiceWithKey, getServiceToken, serviceBearer, type TestService } from './support/service-client.js';

import type { Json } from './support/json.js';

let t: TestContext;
let svc: TestService;
let other: TestService;
let token: string;
let alice: SignedInCitizen;
let bob: SignedInCitizen;
let aliceRef: string;
let bobRef: string;
let aliceConsent: Json;
const checkIds: string[] = [];

const check = async (subjectRef: string, extra: Record<string, unknown> = {}) => {
  const r = await send(t, 'POST', '/v1/check', serviceBearer(token), { subjectRef, purpose: 't-benefits', dataCategory: 't-address', ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const accessLog = async (who: SignedInCitizen, query = '') => {
  const r = await send(t, 'GET', `/v1/me/access-log${query}`, bearer(who.token));
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const b64 = (s: string) => Buffer.from(s, 'base64');

beforeAll(async () => {
  t = await createTestContext({ config: { sessionTtlSeconds: 40 * 86_400 } });
  svc = await createServiceWithKey(t);
  other = await createServiceWithKey(t);
  token = await getServiceToken(t.app, svc);
  alice = await signUpCitizen(t.app, t.config, { displayName: 'Alice' });
  bob = await signUpCitizen(t.app, t.config, { displayName: 'Bob', alg: 'Ed25519' });
  aliceRef = `al-${Date.now()}`;
  bobRef = `bo-${Date.now()}`;
  const req = await createConsentRequest(t, token, aliceRef);
  aliceConsent = (await approveConsentRequest(t, alice, req.id)).consent;
  await approveConsentRequest(t, bob, (await createConsentRequest(t, token, bobRef)).id);
  checkIds.push((await check(aliceRef)).checkId); // permit
  checkIds.push((await check(aliceRef, { purpose: 't-research' })).checkId); // deny purpose_not_covered
  const paused = await send(t, 'POST', `/v1/me/consents/${aliceConsent.id}/pause`, bearer(alice.token));
  expect(paused.status).toBe(200);
  t.clock.advance(1000);
  checkIds.push((await check(aliceRef)).checkId); // deny paused
  await check(bobRef);
  await integrateLog(t.deps);
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

describe(`the citizen's access log (${ENGINE})`, () => {
  it("lists the service's checks of my consents, with who, what, why and the answer", async () => {
    const page = await accessLog(alice);
    const checks = page.items.filter((i: Json) => i.type === 'consent.checked');
    expect(checks.map((i: Json) => i.id)).toEqual([...checkIds].reverse());
    expect(checks[0]).toMatchObject({
      service: { id: svc.id, clientId: svc.clientId, name: { en: 'Test service' } },
      consentId: aliceConsent.id,
      purposes: ['t-benefits'],
      dataCategories: ['t-address'],
      decision: 'deny',
      reason: 'paused',
      actorType: 'service',
      redacted: false,
    });
    expect(checks[1]).toMatchObject({ purposes: ['t-research'], decision: 'deny', reason: 'purpose_not_covered' });
    expect(checks[2]).toMatchObject({ decision: 'permit', reason: null });
    // The consent's own history is there too.
    const types = page.items.map((i: Json) => i.type);
    expect(types).toEqual(expect.arrayContaining(['consent.granted', 'consent.paused', 'request.approved', 'citizen.signed_up']));
    expect(page.items.find((i: Json) => i.type === 'consent.paused')).toMatchObject({ decision: null, purposes: ['t-benefits'], actorType: 'citizen' });
  });

  it('gives every entry a proof that verifies against the signed checkpoint and the published key', async () => {
    const page = await accessLog(alice);
    const vkey = (await (await t.app.request('/v1/log/key')).text()).trim();
    const cp = parseCheckpoint((await verifyNote(page.checkpoint, [vkey])).text);
    expect(cp.size.toString()).toBe(page.treeSize);
    // The page's checkpoint is the one the log publishes.
    expect(page.checkpoint).toBe(await (await t.app.request('/v1/log/checkpoint')).text());
    expect(page.items.length).toBeGreaterThan(5);
    for (const item of page.items) {
      expect(item.leafIndex).toMatch(/^\d+$/);
      const data = new Uint8Array(b64(item.leafData));
      const hash = await leafHash(data);
      expect(Buffer.from(hash).toString('base64')).toBe(item.leafHash);
      await verifyInclusion(hash, BigInt(item.leafIndex), cp.size, item.inclusionProof.map((p: string) => new Uint8Array(b64(p))), cp.root);
      // The leaf is what monitors see at that index.
      const leaves = await getJson<{ leaves: { data: string }[] }>(t.app, `/v1/log/leaves?start=${item.leafIndex}&end=${BigInt(item.leafIndex) + 1n}`);
      expect(leaves.leaves[0]!.data).toBe(item.leafData);
      const leaf = JSON.parse(b64(item.leafData).toString('utf8'));
      expect(leaf).toMatchObject({ id: item.id, type: item.type });
      expect(JSON.stringify(leaf)).not.toContain(alice.citizenId);
      expect(JSON.stringify(leaf)).not.toContain(aliceRef);
    }
  });

  it('an independent RFC 9162 verifier (node:crypto only) accepts the proofs, and rejects a tampered one', async () => {
    const page = await accessLog(alice, '?type=consent.checked');
    const vkey = await (await t.app.request('/v1/log/key')).text();
    const cp = verifyCheckpointNote(page.checkpoint, vkey);
    expect(cp.size.toString()).toBe(page.treeSize);
    expect(cp.origin).toBe('localhost:8787');
    for (const item of page.items) {
      const proof = item.inclusionProof.map(b64);
      expect(rfcVerifyInclusion(b64(item.leafData), BigInt(item.leafIndex), cp.size, proof, cp.root)).toBe(true);
      // Any change to the leaf, the index or the proof fails.
      const edited = Buffer.from(b64(item.leafData).toString('utf8').replace(`"${item.decision}"`, item.decision === 'deny' ? '"permit"' : '"deny"'));
      expect(edited.equals(b64(item.leafData))).toBe(false);
      expect(rfcVerifyInclusion(edited, BigInt(item.leafIndex), cp.size, proof, cp.root)).toBe(false);
      expect(rfcVerifyInclusion(b64(item.leafData), BigInt(item.leafIndex) + 1n, cp.size, proof, cp.root)).toBe(false);
      if (proof.length > 0) {
        const bad = proof.map((p: Buffer, i: number) => (i === 0 ? Buffer.from(p.map((x) => x ^ 1)) : p));
        expect(rfcVerifyInclusion(b64(item.leafData), BigInt(item.leafIndex), cp.size, bad, cp.root)).toBe(false);
      }
    }
    expect(() => verifyCheckpointNote(page.checkpoint.replace(/\n\d+\n/, '\n999\n'), vkey)).toThrow();
  });

  it("the salt opens the leaf's pseudonyms: they are my id and my subjectRef", async () => {
    const page = await accessLog(alice, '?type=consent.checked');
    const item = page.items[0];
    const leaf = JSON.parse(b64(item.leafData).toString('utf8'));
    const open = (value: string) => `sha256:${createHash('sha256').update(Buffer.concat([b64(item.salt), Buffer.from(value)])).digest('base64url')}`;
    expect(leaf.citizenId).toBe(open(alice.citizenId));
    expect(leaf.data.subjectRef).toBe(open(aliceRef));
    expect(leaf.citizenId).not.toBe(open(bob.citizenId));
  });

  it('shows only my own events: not to another citizen, not to a service, not without a session', async () => {
    const mine = (await accessLog(alice)).items.map((i: Json) => i.id);
    const bobs = await accessLog(bob);
    expect(bobs.items.length).toBeGreaterThan(0);
    expect(bobs.items.map((i: Json) => i.id).filter((id: string) => mine.includes(id))).toEqual([]);
    expect(JSON.stringify(bobs)).not.toContain(aliceRef);
    const rows = await t.db.query<{ citizen_id: string | null }>('select citizen_id from audit_events where id = any($1::uuid[])', [bobs.items.map((i: Json) => i.id)]);
    expect(new Set(rows.map((r) => r.citizen_id))).toEqual(new Set([bob.citizenId]));
    await expectProblem(await t.app.request('/v1/me/access-log', { headers: serviceBearer(token) }), 401, 'unauthenticated');
    await expectProblem(await t.app.request('/v1/me/access-log'), 401, 'unauthenticated');
    await expectProblem(await t.app.request('/v1/me/export', { headers: serviceBearer(token) }), 401, 'unauthenticated');
  });

  it('filters by service, purpose, decision, type and time', async () => {
    const all = (await accessLog(alice)).items as Json[];
    const ids = (p: Json) => p.items.map((i: Json) => i.id);
    expect(ids(await accessLog(alice, '?decision=deny'))).toEqual([checkIds[2], checkIds[1]]);
    expect(ids(await accessLog(alice, '?decision=permit'))).toEqual([checkIds[0]]);
    expect(ids(await accessLog(alice, '?purpose=t-research'))).toEqual([checkIds[1]]);
    expect(ids(await accessLog(alice, '?type=consent.paused'))).toHaveLength(1);
    expect((await accessLog(alice, `?serviceId=${other.id}`)).items).toEqual([]);
    const ofService = await accessLog(alice, `?serviceId=${svc.id}`);
    expect(ofService.items.length).toBeGreaterThan(3);
    expect(ofService.items.every((i: Json) => i.service?.id === svc.id)).toBe(true);
    const last = all.find((i) => i.id === checkIds[2])!;
    expect(ids(await accessLog(alice, `?from=${encodeURIComponent(last.time)}&type=consent.checked`))).toEqual([checkIds[2]]);
    expect(ids(await accessLog(alice, `?to=${encodeURIComponent(last.time)}&type=consent.checked`))).toEqual([checkIds[1], checkIds[0]]);
  });

  it('pages with a cursor, newest first, without gaps or repeats', async () => {
    const all = (await accessLog(alice, '?limit=200')).items.map((i: Json) => i.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await accessLog(alice, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i: Json) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect([...all].sort().reverse()).toEqual(all);
  });

  it('shows an event not yet in the log without a leaf index or proof', async () => {
    const { checkId } = await check(aliceRef);
    const page = await accessLog(alice, '?limit=1');
    expect(page.items[0]).toMatchObject({ id: checkId, leafIndex: null, leafData: null, inclusionProof: null, salt: null });
    await integrateLog(t.deps);
    const after = await accessLog(alice, '?limit=1');
    expect(after.items[0].leafIndex).toMatch(/^\d+$/);
    expect(BigInt(after.treeSize)).toBeGreaterThan(BigInt(after.items[0].leafIndex));
  });

  it('refuses bad filters with a 400 problem', async () => {
    for (const q of ['decision=maybe', 'from=yesterday', 'to=2026-13-01T00:00:00Z', 'type=DROP%20TABLE', 'serviceId=42', 'purpose=Not%20A%20Code', 'bogus=1', 'limit=0', 'cursor=abc']) {
      await expectProblem(await t.app.request(`/v1/me/access-log?${q}`, { headers: bearer(alice.token) }), 400, 'validation_failed');
    }
    await expectProblem(
      await t.app.request('/v1/me/access-log?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', { headers: bearer(alice.token) }),
      400,
      'validation_failed',
    );
  });
});

describe(`the export of my data (${ENGINE})`, () => {
  it('holds my profile, passkeys, sessions, consents with revisions and receipts, requests and access log — nobody else’s', async () => {
    const given = await send(t, 'POST', '/v1/me/consents', bearer(alice.token), grantBody(svc.id, t.clock.now()));
    expect(given.status).toBe(201);
    const res = await t.app.request('/v1/me/export', { headers: bearer(alice.token) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="permis-export-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    const body = JSON.parse(text) as Json;
    expect(body).toMatchObject({ format: 'permis-export/1', profile: { id: alice.citizenId, displayName: 'Alice' }, roles: [] });
    expect(body.truncated).toEqual({ sessions: false, consents: false, requests: false, accessLog: false });
    expect(body.passkeys).toHaveLength(1);
    expect(body.passkeys[0].publicKey).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(body.sessions.length).toBeGreaterThanOrEqual(1);
    const exported = body.consents.find((k: Json) => k.id === aliceConsent.id);
    expect(exported).toMatchObject({ status: 'paused', subjectRef: aliceRef });
    expect(exported.revisions.map((r: Json) => r.event)).toEqual(['granted', 'paused']);
    expect(exported.receipts.map((r: Json) => r.revision)).toEqual([1, 2]);
    expect(body.consents.map((k: Json) => k.id)).toContain(given.body.consent.id);
    expect(body.requests.map((r: Json) => r.consentId)).toContain(aliceConsent.id);
    expect(body.accessLog.map((e: Json) => e.id)).toEqual(expect.arrayContaining(checkIds));
    expect(text).not.toContain(bob.citizenId);
    expect(text).not.toContain(bobRef);
    // The export is itself an audited act of the citizen.
    const audited = await t.db.query(`select 1 from audit_events where type = 'citizen.data_exported' and citizen_id = $1`, [alice.citizenId]);
    expect(audited).toHaveLength(1);
  });
});
