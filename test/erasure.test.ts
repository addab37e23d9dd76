/**
 * Erasure (GDPR Art. 17): services are notified (consent.withdrawn,
 * request.rejected) before anything is redacted; afterwards the citizen cannot sign in, the
 * events table holds none of their personal values, and the Merkle tree still verifies —
 * every old leaf byte for byte, every redacted event's inclusion proof, `log verify` against
 * a checkpoint pinned before. An erasure interrupted by a crash completes when retried.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCheckpoint } from '../src/crypto/checkpoint.js';
import { leafHash, verifyInclusion } from '../src/crypto/merkle/index.js';
import { verifyNote } from '../src/crypto/signed-note.js';
import { uuidv7 } from '../src/domain/ids.js';
import { runLogCommand } from '../src/entry/cli/log.js';
import { eraseCitizen, ErasureIncompleteError, resumeErasures } from '../src/erasure/erase-citizen.js';
import { integrateLog } from '../src/log/integrate-log.js';
import { accessEventView } from '../src/log/access-log-view.js';
import { insertAuditEvent } from '../src/storage/audit-repo.js';
import { loadEvents } from '../src/storage/erasure-repo.js';
import { LOG_INTEGRATOR_LOCK } from '../src/storage/log-repo.js';
import { insertRole, withRoleLock } from '../src/storage/roles-repo.js';
import { bearer, signInCitizen, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { expectProblem } from './support/expect-problem.js';
import { grantBody } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { appFetch, expectLogVerifies, getJson, readLog } from './support/log.js';
import { approveConsentRequest, createConsentRequest, send } from './support/requests.js';
import { createServiceWithKey, getServiceToken, serviceBearer, type TestService } from './support/service-client.js';

import type { Json } from './support/json.js';

let t: TestContext;
let svc: TestService;
let svc2: TestService;
let token: string;
let token2: string;
let alice: SignedInCitizen;
let bob: SignedInCitizen;
let refA: string;
let refB: string;
let bobRef: string;
let consentA: Json;
let consentB: Json;
let pendingRequest: Json;
const files = new Map<string, string>();

const check = async (tok: string, subjectRef: string) => {
  const r = await send(t, 'POST', '/v1/check', serviceBearer(tok), { subjectRef, purpose: 't-benefits', dataCategory: 't-address' });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};

/** `permis log verify` against the app, with its state kept between runs. */
async function logVerify() {
  const lines: string[] = [];
  const code = await runLogCommand(['log', 'verify', '--url', 'http://localhost:8787', '--state', 'state.json'], {
    fetch: appFetch(t.app),
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    readFile: async (p) => files.get(p),
    writeFile: async (p, text) => void files.set(p, text),
    defaultStatePath: 'unused.json',
  });
  return { code, output: lines.join('\n') };
}

/** Every row of audit_events as text, bytes as hex. */
async function eventsTableText(): Promise<string> {
  const rows = await t.db.query('select * from audit_events');
  return JSON.stringify(rows, (_k, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
  );
}

/** Ids of the events that name the citizen (by id or one of the refs), with their leaf hashes if integrated. */
async function eventsNaming(citizenId: string, refs: string[]) {
  return t.db.query<{ id: string; leaf_index: bigint | null; redacted_at: Date | null }>(
    `select e.id, l.leaf_index, e.redacted_at from audit_events e left join log_leaves l on l.seq = e.seq
     where e.citizen_id = $1 or (e.actor_type = 'citizen' and e.actor_id = $1::text) or e.data ->> 'subjectRef' = any($2::text[]) order by e.seq`,
    [citizenId, refs],
  );
}

beforeAll(async () => {
  t = await createTestContext({ config: { sessionTtlSeconds: 40 * 86_400 } });
  svc = await createServiceWithKey(t);
  svc2 = await createServiceWithKey(t);
  token = await getServiceToken(t.app, svc);
  token2 = await getServiceToken(t.app, svc2);
  alice = await signUpCitizen(t.app, t.config, { displayName: 'Alice Erasable' });
  bob = await signUpCitizen(t.app, t.config, { displayName: 'Bob', alg: 'Ed25519' });
  refA = `exp-alice-${Date.now()}`;
  bobRef = `exp-bob-${Date.now()}`;

  // A check before Alice is known to the service: it names her subjectRef only.
  expect((await check(token, refA)).reason).toBe('no_consent');
  consentA = (await approveConsentRequest(t, alice, (await createConsentRequest(t, token, refA)).id)).consent;
  pendingRequest = await createConsentRequest(t, token, refA, { purposes: ['t-research'] });
  const direct = await send(t, 'POST', '/v1/me/consents', bearer(alice.token), grantBody(svc2.id, t.clock.now()));
  expect(direct.status).toBe(201);
  consentB = direct.body.consent;
  refB = consentB.subjectRef;
  expect((await send(t, 'POST', `/v1/me/consents/${consentB.id}/pause`, bearer(alice.token))).status).toBe(200);
  expect((await check(token, refA)).decision).toBe('permit');
  expect((await check(token2, refB)).reason).toBe('paused');
  await approveConsentRequest(t, bob, (await createConsentRequest(t, token, bobRef)).id);
  await check(token, bobRef);
  await integrateLog(t.deps);
  expect((await logVerify()).code).toBe(0); // pins the log before the erasure
  // One more check, left pending: the erasure must integrate it before redacting.
  expect((await check(token, refA)).decision).toBe('permit');
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

describe(`erasure (${ENGINE})`, () => {
  it('refuses bad input and an unauthenticated call', async () => {
    const post = (body: string | undefined, headers: Record<string, string> = bearer(alice.token)) =>
      t.app.request('/v1/me/erase', { method: 'POST', headers, body });
    for (const body of [undefined, '{}', '{"confirm":"yes"}', '{"confirm":"ERASE MY ACCOUNT"}', '{"confirm":"erase my account","also":1}', '[]', '{']) {
      const res = await post(body);
      expect(res.status, body).toBeGreaterThanOrEqual(400);
      expect(res.status, body).toBeLessThan(500);
    }
    await expectProblem(await post('{"confirm":"erase my account"}', { 'content-type': 'application/json' }), 401, 'unauthenticated');
    await expectProblem(await post('{"confirm":"erase my account"}', serviceBearer(token)), 401, 'unauthenticated');
    // Nothing happened.
    expect((await send(t, 'GET', `/v1/me/consents/${consentA.id}`, bearer(alice.token))).body.status).toBe('active');
  });

  it('refuses to erase the last admin, before changing anything', async () => {
    const carol = await signUpCitizen(t.app, t.config, { displayName: 'Carol' });
    await withRoleLock(t.db, (tx) => insertRole(tx, carol.citizenId, 'admin', t.clock.now(), 'cli'));
    const given = await send(t, 'POST', '/v1/me/consents', bearer(carol.token), grantBody(svc.id, t.clock.now()));
    const res = await t.app.request('/v1/me/erase', { method: 'POST', headers: bearer(carol.token), body: '{"confirm":"erase my account"}' });
    await expectProblem(res, 409, 'last_admin');
    expect((await send(t, 'GET', `/v1/me/consents/${given.body.consent.id}`, bearer(carol.token))).body.status).toBe('active');
    expect((await send(t, 'GET', '/v1/me', bearer(carol.token))).status).toBe(200);
  });

  it('notifies services first; a crash before the redaction commits loses nothing; the retry completes it', async () => {
    const leavesBefore = (await readLog(t.app)).leaves.map((d) => Buffer.from(d).toString('base64'));
    const seenAtIntegrated: Json = {};
    const crash = eraseCitizen(t.deps, alice.citizenId, {
      onStage: async (stage, sql) => {
        if (stage === 'integrated') {
          // Step 1 has committed: the services' webhooks are queued, nothing is redacted yet.
          seenAtIntegrated.outbox = await sql.query<{ event_type: string; service_id: string; subject_ref: string }>(
            `select event_type, service_id, payload -> 'data' ->> 'subjectRef' as subject_ref from webhook_outbox
             where event_type in ('consent.withdrawn', 'request.rejected') order by created_at, event_type`,
          );
          seenAtIntegrated.events = await eventsNaming(alice.citizenId, [refA, refB]);
        }
        if (stage === 'redacted') throw new Error('injected crash');
      },
    });
    await expect(crash).rejects.toThrow('injected crash');

    expect(seenAtIntegrated.outbox).toEqual(
      expect.arrayContaining([
        { event_type: 'consent.withdrawn', service_id: svc.id, subject_ref: refA },
        { event_type: 'consent.withdrawn', service_id: svc2.id, subject_ref: refB },
        { event_type: 'request.rejected', service_id: svc.id, subject_ref: refA },
      ]),
    );
    const named = seenAtIntegrated.events as { id: string; leaf_index: bigint | null; redacted_at: Date | null }[];
    expect(named.length).toBeGreaterThan(10);
    expect(named.every((e) => e.leaf_index !== null && e.redacted_at === null)).toBe(true);
    // The withdrawals are final and carry the reason; the request was rejected.
    const a = await send(t, 'GET', `/v1/me/consents/${consentA.id}`, bearer(alice.token));
    expect(a.body).toMatchObject({ status: 'withdrawn', endReason: 'erasure' });
    expect((await send(t, 'GET', `/v1/me/consents/${consentB.id}`, bearer(alice.token))).body).toMatchObject({ status: 'withdrawn', endReason: 'erasure' });
    expect((await send(t, 'GET', `/v1/me/requests/${pendingRequest.id}`, bearer(alice.token))).body.status).toBe('rejected');
    const receipts = await send(t, 'GET', `/v1/me/consents/${consentA.id}/receipts`, bearer(alice.token));
    expect(receipts.body.items.at(-1)).toMatchObject({ event: 'withdrawn' });
    const audit = await t.db.query<{ data: Json }>(`select data from audit_events where type = 'consent.withdrawn' and consent_id = $1`, [consentA.id]);
    expect(audit[0]!.data.reason).toBe('erasure');
    // The crash rolled the rest back: the account still works and nothing is redacted.
    expect((await send(t, 'GET', '/v1/me', bearer(alice.token))).status).toBe(200);
    expect((await eventsNaming(alice.citizenId, [refA, refB])).every((e) => e.redacted_at === null)).toBe(true);

    // The retry, over HTTP, completes.
    const res = await t.app.request('/v1/me/erase', { method: 'POST', headers: bearer(alice.token), body: '{"confirm":"erase my account"}' });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const body = JSON.parse(text) as Json;
    expect(body).toMatchObject({ withdrawnConsents: 2, rejectedRequests: 1 });
    expect(body.redactedEvents).toBeGreaterThanOrEqual(named.length);
    expect(res.headers.get('set-cookie')).toMatch(/__Host-permis_session=;.*Max-Age=0/);

    // Every leaf that existed is byte for byte the same.
    const leavesAfter = (await readLog(t.app)).leaves.map((d) => Buffer.from(d).toString('base64'));
    expect(leavesAfter.slice(0, leavesBefore.length)).toEqual(leavesBefore);
  });

  it('leaves no way in: session gone, passkeys gone, sign-in fails', async () => {
    await expectProblem(await t.app.request('/v1/me', { headers: bearer(alice.token) }), 401, 'unauthenticated');
    await expectProblem(await t.app.request('/v1/me/access-log', { headers: bearer(alice.token) }), 401, 'unauthenticated');
    await expect(signInCitizen(t.app, alice.authenticator)).rejects.toThrow();
    for (const table of ['passkeys', 'sessions', 'webauthn_challenges', 'citizen_roles', 'subject_bindings', 'consents', 'consent_requests']) {
      const rows = await t.db.query(`select 1 from ${table} where citizen_id = $1`, [alice.citizenId]);
      expect(rows, table).toHaveLength(0);
    }
    const [row] = await t.db.query<{ display_name: string; erased_at: Date | null; webauthn_user_id: string }>(
      'select display_name, erased_at, webauthn_user_id from citizens where id = $1',
      [alice.citizenId],
    );
    expect(row).toMatchObject({ display_name: '' });
    expect(row!.erased_at).not.toBeNull();
    expect(row!.webauthn_user_id).toMatch(/^erased-/);
    // Consent records stay as the record of the lawful basis, tied to the service's reference only.
    const kept = await t.db.query<{ subject_ref: string; status: string; citizen_id: string | null }>('select subject_ref, status, citizen_id from consents where id = $1', [consentA.id]);
    expect(kept[0]).toEqual({ subject_ref: refA, status: 'withdrawn', citizen_id: null });
    // Bob is untouched.
    expect((await send(t, 'GET', '/v1/me', bearer(bob.token))).status).toBe(200);
  });

  it('the events table holds no personal value of hers; her events show as redacted; others’ are intact', async () => {
    const text = await eventsTableText();
    expect(text).not.toContain(alice.citizenId);
    expect(text).not.toContain(refA);
    expect(text).not.toContain(refB);
    expect(text).toContain(bob.citizenId);
    expect(text).toContain(bobRef);
    const redacted = await t.db.query<{ n: number; salts: number; pseudonyms: number }>(
      'select count(*)::int as n, count(l.salt)::int as salts, count(l.pseudonyms)::int as pseudonyms from audit_events e join log_leaves l on l.seq = e.seq where e.redacted_at is not null',
    );
    expect(redacted[0]!.n).toBeGreaterThan(10);
    expect(redacted[0]!.salts).toBe(0);
    // The pseudonyms that stand in for the erased values are stored as the salts go.
    expect(redacted[0]!.pseudonyms).toBe(redacted[0]!.n);
    const bobs = await t.db.query<{ salt: Uint8Array | null; redacted_at: Date | null }>(
      'select l.salt, e.redacted_at from audit_events e join log_leaves l on l.seq = e.seq where e.citizen_id = $1',
      [bob.citizenId],
    );
    expect(bobs.length).toBeGreaterThan(3);
    expect(bobs.every((r) => r.salt !== null && r.redacted_at === null)).toBe(true);
    // The erasure is on record, naming no one.
    const erased = await t.db.query<{ data: Json; citizen_id: string | null; actor_type: string }>(`select data, citizen_id, actor_type from audit_events where type = 'citizen.erased'`);
    expect(erased).toHaveLength(1);
    expect(erased[0]).toMatchObject({ citizen_id: null, actor_type: 'system', data: { withdrawnConsents: 2, rejectedRequests: 1 } });
    const [requested] = await t.db.query<{ redacted_at: Date | null }>('select redacted_at from audit_events where id = $1', [erased[0]!.data.requestEventId]);
    expect(requested!.redacted_at).not.toBeNull();
    // Views of a redacted event say so.
    const [withdrawal] = await loadEvents(t.db, [(await t.db.query<{ id: string }>(`select id from audit_events where type = 'consent.withdrawn' and consent_id = $1`, [consentA.id]))[0]!.id]);
    expect(accessEventView({ ...withdrawal!, service: null })).toMatchObject({ type: 'consent.withdrawn', redacted: true, reason: 'erasure', leafIndex: expect.stringMatching(/^\d+$/) });
  });

  it('the tree still verifies: every redacted event has a valid inclusion proof, and log verify passes', async () => {
    await integrateLog(t.deps);
    expect(await expectLogVerifies(t.app, t.db)).toBeGreaterThan(0n);
    const verified = await logVerify();
    expect(verified.code, verified.output).toBe(0);
    const vkey = (await (await t.app.request('/v1/log/key')).text()).trim();
    const cp = parseCheckpoint((await verifyNote(await (await t.app.request('/v1/log/checkpoint')).text(), [vkey])).text);
    const { leaves } = await readLog(t.app);
    const redacted = await t.db.query<{ id: string; leaf_index: bigint }>(
      'select e.id, l.leaf_index from audit_events e join log_leaves l on l.seq = e.seq where e.redacted_at is not null order by l.leaf_index',
    );
    expect(redacted.length).toBeGreaterThan(10);
    for (const e of redacted) {
      const body = await getJson<{ index: string; treeSize: string; leafHash: string; proof: string[] }>(t.app, `/v1/log/proof/inclusion?eventId=${e.id}&treeSize=${cp.size}`);
      expect(body.index).toBe(BigInt(e.leaf_index).toString());
      const hash = await leafHash(leaves[Number(e.leaf_index)]!);
      expect(body.leafHash).toBe(Buffer.from(hash).toString('base64'));
      await verifyInclusion(hash, BigInt(e.leaf_index), cp.size, body.proof.map((p) => new Uint8Array(Buffer.from(p, 'base64'))), cp.root);
    }
  });

  it('erasing again changes nothing; a late event naming her is redacted by resumeErasures', async () => {
    const again = await eraseCitizen(t.deps, alice.citizenId);
    expect(again.redactedEvents).toBe(0);
    // A check that read her binding before the links were cut and committed after.
    await insertAuditEvent(t.db, {
      id: uuidv7(t.clock, t.deps.random),
      type: 'consent.checked',
      actorType: 'service',
      actorId: svc.id,
      citizenId: alice.citizenId,
      serviceId: svc.id,
      consentId: consentA.id,
      data: { subjectRef: refA, purpose: 't-benefits', dataCategories: ['t-address'], processing: [], decision: 'permit' },
      createdAt: t.clock.now(),
    });
    expect(await eventsTableText()).toContain(alice.citizenId);
    expect(await resumeErasures(t.deps)).toBe(1);
    const text = await eventsTableText();
    expect(text).not.toContain(alice.citizenId);
    expect(text).not.toContain(refA);
    expect(await expectLogVerifies(t.app, t.db)).toBeGreaterThan(0n);
    expect(await resumeErasures(t.deps)).toBe(0);
  });

  it('an erasure interrupted after the withdrawals is finished by resumeErasures', async () => {
    const dave = await signUpCitizen(t.app, t.config, { displayName: 'Dave' });
    const daveRef = `exp-dave-${Date.now()}`;
    await approveConsentRequest(t, dave, (await createConsentRequest(t, token, daveRef)).id);
    await check(token, daveRef);
    await expect(
      eraseCitizen(t.deps, dave.citizenId, {
        onStage: (stage) => {
          if (stage === 'integrated') throw new Error('process killed');
        },
      }),
    ).rejects.toThrow('process killed');
    expect((await send(t, 'GET', '/v1/me', bearer(dave.token))).status).toBe(200);
    expect(await resumeErasures(t.deps)).toBe(1);
    await expectProblem(await t.app.request('/v1/me', { headers: bearer(dave.token) }), 401, 'unauthenticated');
    const text = await eventsTableText();
    expect(text).not.toContain(dave.citizenId);
    expect(text).not.toContain(daveRef);
    expect((await logVerify()).code).toBe(0);
  });

  // Another integrator (another replica) holding the lock needs a second connection: PostgreSQL only.
  it.skipIf(ENGINE !== 'postgres')('waits while another integrator holds the lock; gives up with 503 and finishes on retry', async () => {
    const erin = await signUpCitizen(t.app, t.config, { displayName: 'Erin' });
    const erinRef = `exp-erin-${Date.now()}`;
    await approveConsentRequest(t, erin, (await createConsentRequest(t, token, erinRef)).id);
    await check(token, erinRef);
    const holdLock = () => {
      let release!: () => void;
      let held!: () => void;
      const released = new Promise<void>((r) => (release = r));
      const isHeld = new Promise<void>((r) => (held = r));
      const done = t.db.transaction(async (tx) => {
        await tx.query('select pg_advisory_xact_lock($1)', [LOG_INTEGRATOR_LOCK]);
        held();
        await released;
      });
      return { isHeld, release, done };
    };
    // Busy for good: the erasure gives up, its withdrawals done and notified.
    const busy = holdLock();
    await busy.isHeld;
    await expect(eraseCitizen(t.deps, erin.citizenId, { integrationAttempts: 3, pause: async () => {} })).rejects.toBeInstanceOf(ErasureIncompleteError);
    expect((await send(t, 'GET', '/v1/me', bearer(erin.token))).status).toBe(200);
    expect((await t.db.query(`select 1 from webhook_outbox where event_type = 'consent.withdrawn' and payload -> 'data' ->> 'subjectRef' = $1`, [erinRef])).length).toBe(1);
    busy.release();
    await busy.done;
    // Busy for a moment: the erasure waits for it.
    const brief = holdLock();
    await brief.isHeld;
    let pauses = 0;
    const erased = eraseCitizen(t.deps, erin.citizenId, {
      pause: async () => {
        if (++pauses === 3) brief.release();
        await new Promise((r) => setTimeout(r, 10));
      },
    });
    await brief.done;
    expect((await erased).withdrawnConsents).toBe(1);
    expect(pauses).toBeGreaterThanOrEqual(3);
    expect(await eventsTableText()).not.toContain(erin.citizenId);
  });

  it('a service checking the erased subjectRef later is denied, and the new event names no account', async () => {
    const answer = await check(token, refA);
    expect(answer).toMatchObject({ decision: 'deny', reason: 'withdrawn' });
    // The service's own reference is recorded as the service sent it; nothing links it to an account any more.
    const [row] = await t.db.query<{ citizen_id: string | null; subject_ref: string }>(
      `select citizen_id, data ->> 'subjectRef' as subject_ref from audit_events where id = $1`,
      [answer.checkId],
    );
    expect(row).toEqual({ citizen_id: null, subject_ref: refA });
    expect(await eventsTableText()).not.toContain(alice.citizenId);
  });
});
