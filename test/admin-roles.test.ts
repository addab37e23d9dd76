/**
 * Roles: bootstrapping the first admin from the CLI, one-time enrolment codes
 * (hashed, expiring, single-use even under concurrency), invitations, role grant and
 * revocation taking effect on the next request, and the last-admin rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashEnrolmentCode, normaliseEnrolmentCode } from '../src/domain/roles.js';
import { enrol, inviteFromCli, runAdmin, signUpAdmin, signUpOfficer } from './support/admin.js';
import { bearer, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { expectProblem } from './support/expect-problem.js';
import { createTestContext, type TestContext } from './support/harness.js';

let t: TestContext;

import type { Json } from './support/json.js';

beforeAll(async () => {
  t = await createTestContext({ config: { sessionTtlSeconds: 10 * 86_400 } });
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

/** The raw response, for expectProblem. */
async function raw(method: string, path: string, who: SignedInCitizen | null, body?: unknown): Promise<Response> {
  return t.app.request(path, {
    method,
    headers: who ? bearer(who.token) : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function call(method: string, path: string, who: SignedInCitizen | null, body?: unknown) {
  const res = await raw(method, path, who, body);
  const text = await res.text();
  return { status: res.status, res, body: (text ? JSON.parse(text) : null) as Json };
}

const myRoles = async (who: SignedInCitizen) => (await call('GET', '/v1/me/roles', who)).body.roles as string[];

async function auditRows(where: string, params: unknown[]) {
  return t.db.query<{ type: string; actor_type: string; actor_id: string | null; citizen_id: string | null; data: Json }>(
    `select type, actor_type, actor_id, citizen_id, data from audit_events where ${where} order by seq`,
    params,
  );
}

describe(`bootstrapping and enrolment on ${ENGINE}`, () => {
  it('prints a one-time code from the CLI that a signed-in citizen redeems for the admin role', async () => {
    const printed = await runAdmin(t, 'admin', 'invite');
    expect(printed.code).toBe(0);
    const code = /^ {4}([A-Z2-7]{4}(?:-[A-Z2-7]{4}){7})$/m.exec(printed.out)?.[1];
    expect(code, printed.out).toBeDefined();
    expect(printed.out).toContain(`${t.config.publicUrl}/enrol#code=${code}`);
    expect(printed.out).toContain('/v1/auth/enrol');
    expect(printed.out).toMatch(/for the admin role/);

    // Only the hash is stored: the code appears nowhere in the database.
    const rows = await t.db.query<{ code_hash: string; role: string; created_by: string; expires_at: Date; created_at: Date }>(
      'select code_hash, role, created_by, expires_at, created_at from role_invitations',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.code_hash).toBe(await hashEnrolmentCode(normaliseEnrolmentCode(code!)!));
    expect(rows[0]).toMatchObject({ role: 'admin', created_by: 'cli' });
    expect(rows[0]!.expires_at.getTime() - rows[0]!.created_at.getTime()).toBe(24 * 3600 * 1000);
    const dump = await t.db.query<{ j: string }>(`select coalesce(string_agg(row_to_json(a)::text, ''), '') as j from audit_events a`);
    expect(dump[0]!.j).not.toContain(code!.replace(/-/g, ''));
    expect(dump[0]!.j).not.toContain(code!);

    const laia = await signUpCitizen(t.app, t.config, { displayName: 'Laia' });
    expect(await myRoles(laia)).toEqual([]);
    // Typed in lower case with spaces instead of hyphens: the same code.
    const r = await call('POST', '/v1/auth/enrol', laia, { code: code!.toLowerCase().replace(/-/g, ' ') });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ role: 'admin', roles: [{ role: 'admin', grantedBy: 'cli' }] });
    expect(await myRoles(laia)).toEqual(['admin']);
    expect((await call('GET', '/v1/admin/roles', laia)).status).toBe(200);

    const audit = await auditRows(`type in ('invitation.created', 'role.enrolled')`, []);
    expect(audit.map((a) => [a.type, a.actor_type, a.actor_id])).toEqual([
      ['invitation.created', 'admin', 'cli'],
      ['role.enrolled', 'citizen', laia.citizenId],
    ]);
    expect(audit[1]!.citizen_id).toBe(laia.citizenId);

    // Single use: the same code again, by anyone, is refused.
    await expectProblem(await enrol(t, laia, code!), 400, 'enrolment_code_invalid');
    const other = await signUpCitizen(t.app, t.config);
    await expectProblem(await enrol(t, other, code!), 400, 'enrolment_code_invalid');
    expect(await myRoles(other)).toEqual([]);

    const list = await runAdmin(t, 'admin', 'list');
    expect(list.out).toMatch(new RegExp(`${laia.citizenId}\\s+admin\\s+Laia`));
  });

  it('lets exactly one of two concurrent redemptions of a code win', async () => {
    for (let round = 0; round < 3; round++) {
      const code = await inviteFromCli(t, 'officer');
      const a = await signUpCitizen(t.app, t.config);
      const b = await signUpCitizen(t.app, t.config);
      const [ra, rb] = await Promise.all([enrol(t, a, code), enrol(t, b, code)]);
      expect([ra.status, rb.status].sort()).toEqual([200, 400]);
      const loser = ra.status === 400 ? ra : rb;
      await expectProblem(loser, 400, 'enrolment_code_invalid');
      const roles = [await myRoles(a), await myRoles(b)];
      expect(roles.filter((r) => r.includes('officer'))).toHaveLength(1);
    }
  });

  it('refuses an expired code, a wrong code, a malformed code and a revoked invitation', async () => {
    const who = await signUpCitizen(t.app, t.config);
    const code = await inviteFromCli(t, 'officer');
    t.clock.advance(24 * 3600 * 1000 + 1000);
    try {
      await expectProblem(await enrol(t, who, code), 400, 'enrolment_code_invalid');
    } finally {
      t.clock.advance(-(24 * 3600 * 1000 + 1000));
    }
    // One character off.
    const fresh = await inviteFromCli(t, 'officer');
    const wrong = fresh.slice(0, -1) + (fresh.endsWith('A') ? 'B' : 'A');
    await expectProblem(await enrol(t, who, wrong), 400, 'enrolment_code_invalid');
    await expectProblem(await enrol(t, who, 'not a code'), 400, 'enrolment_code_invalid');
    await expectProblem(await enrol(t, who, 'x'.repeat(500)), 400, 'validation_failed');
    expect(await myRoles(who)).toEqual([]);
    // The right code still works afterwards: failures do not consume it.
    expect((await enrol(t, who, fresh)).status).toBe(200);
    expect(await myRoles(who)).toEqual(['officer']);
  });

  it('refuses a role already held with 409 and leaves the code usable', async () => {
    const officer = await signUpOfficer(t);
    const code = await inviteFromCli(t, 'officer');
    await expectProblem(await enrol(t, officer, code), 409, 'conflict');
    const someone = await signUpCitizen(t.app, t.config);
    expect((await enrol(t, someone, code)).status).toBe(200);
  });

  it('needs a session to enrol or read roles', async () => {
    const code = await inviteFromCli(t, 'admin');
    await expectProblem(await t.app.request('/v1/auth/enrol', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) }), 401, 'unauthenticated');
    await expectProblem(await t.app.request('/v1/me/roles'), 401, 'unauthenticated');
  });

  it('has a CLI that refuses bad usage', async () => {
    expect((await runAdmin(t, 'admin', 'invite', '--role', 'superuser')).code).toBe(2);
    expect((await runAdmin(t, 'admin', 'invite', '--bogus')).code).toBe(2);
    expect((await runAdmin(t, 'admin', 'invite', 'extra')).code).toBe(2);
    expect((await runAdmin(t, 'admin', 'frobnicate')).code).toBe(2);
    expect((await runAdmin(t, 'admin')).code).toBe(2);
    expect((await runAdmin(t, 'admin', 'help')).code).toBe(0);
    const json = await runAdmin(t, 'admin', 'invite', '--role=officer', '--json');
    expect(JSON.parse(json.out)).toMatchObject({ role: 'officer', code: expect.stringMatching(/^[A-Z2-7-]{39}$/) });
  });
});

describe(`invitations through the API on ${ENGINE}`, () => {
  it('creates, lists and revokes invitations, each change audited with the admin as actor', async () => {
    const admin = await signUpAdmin(t);
    const created = await call('POST', '/v1/admin/invitations', admin, { role: 'officer' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.res.headers.get('cache-control')).toBe('no-store');
    expect(created.body).toMatchObject({ role: 'officer', status: 'pending', createdBy: admin.citizenId, redeemedAt: null });
    expect(created.body.enrolUrl).toBe(`${t.config.publicUrl}/enrol#code=${created.body.code}`);

    const second = await call('POST', '/v1/admin/invitations', admin, { role: 'admin' });
    const revoked = await call('DELETE', `/v1/admin/invitations/${second.body.id}`, admin);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: second.body.id, status: 'revoked' });
    const who = await signUpCitizen(t.app, t.config);
    await expectProblem(await enrol(t, who, second.body.code), 400, 'enrolment_code_invalid');

    expect((await enrol(t, who, created.body.code)).status).toBe(200);
    await expectProblem(await raw('DELETE', `/v1/admin/invitations/${created.body.id}`, admin), 409, 'conflict');

    const list = await call('GET', '/v1/admin/invitations?limit=100', admin);
    const byId = new Map((list.body.items as Json[]).map((i) => [i.id, i]));
    expect(byId.get(created.body.id)).toMatchObject({ status: 'redeemed', redeemedBy: who.citizenId });
    expect(byId.get(second.body.id)).toMatchObject({ status: 'revoked' });
    expect(JSON.stringify(list.body)).not.toContain(created.body.code);
    const pending = await call('GET', '/v1/admin/invitations?status=redeemed&limit=1', admin);
    expect(pending.body.items).toHaveLength(1);
    expect(pending.body.items[0].status).toBe('redeemed');
    if (pending.body.nextCursor) {
      const next = await call('GET', `/v1/admin/invitations?status=redeemed&limit=1&cursor=${pending.body.nextCursor}`, admin);
      expect(next.status).toBe(200);
      expect(next.body.items[0]?.id).not.toBe(pending.body.items[0].id);
    }

    const audit = await auditRows(`actor_id = $1 and type like 'invitation.%'`, [admin.citizenId]);
    expect(audit.map((a) => [a.type, a.actor_type])).toEqual([
      ['invitation.created', 'admin'],
      ['invitation.created', 'admin'],
      ['invitation.revoked', 'admin'],
    ]);
    await expectProblem(await raw('DELETE', '/v1/admin/invitations/01938f2e-8a4b-7c3d-9e5f-0a1b2c3d4e5f', admin), 404, 'not_found');
  });
});

describe(`granting and revoking roles on ${ENGINE}`, () => {
  it('takes effect on the very next request, and is audited with the admin as actor', async () => {
    const admin = await signUpAdmin(t);
    const bob = await signUpCitizen(t.app, t.config, { displayName: 'Bob' });
    await expectProblem(await raw('GET', '/v1/admin/services', bob), 403, 'forbidden');

    const granted = await call('PUT', `/v1/admin/roles/${bob.citizenId}/admin`, admin);
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({ citizenId: bob.citizenId, displayName: 'Bob', roles: [{ role: 'admin', grantedBy: admin.citizenId }] });
    expect((await call('GET', '/v1/admin/services', bob)).status).toBe(200);
    expect((await call('PUT', `/v1/admin/roles/${bob.citizenId}/admin`, admin)).status).toBe(200);

    const list = await call('GET', '/v1/admin/roles?role=admin&limit=100', admin);
    expect((list.body.items as Json[]).map((h) => h.citizenId)).toEqual(expect.arrayContaining([admin.citizenId, bob.citizenId]));

    expect((await call('DELETE', `/v1/admin/roles/${bob.citizenId}/admin`, admin)).status).toBe(204);
    // Same session, next request: the role is gone.
    await expectProblem(await raw('GET', '/v1/admin/services', bob), 403, 'forbidden');
    expect(await myRoles(bob)).toEqual([]);
    await expectProblem(await raw('DELETE', `/v1/admin/roles/${bob.citizenId}/admin`, admin), 404, 'not_found');

    const audit = await auditRows(`citizen_id = $1 and type like 'role.%'`, [bob.citizenId]);
    expect(audit.map((a) => [a.type, a.actor_type, a.actor_id, a.data.role])).toEqual([
      ['role.granted', 'admin', admin.citizenId, 'admin'],
      ['role.revoked', 'admin', admin.citizenId, 'admin'],
    ]);
  });

  it('grants and revokes the officer role; unknown accounts are 404', async () => {
    const admin = await signUpAdmin(t);
    const carla = await signUpCitizen(t.app, t.config);
    expect((await call('PUT', `/v1/admin/roles/${carla.citizenId}/officer`, admin)).status).toBe(201);
    expect(await myRoles(carla)).toEqual(['officer']);
    // An officer is not an admin.
    await expectProblem(await raw('GET', '/v1/admin/roles', carla), 403, 'forbidden');
    expect((await call('DELETE', `/v1/admin/roles/${carla.citizenId}/officer`, admin)).status).toBe(204);
    expect(await myRoles(carla)).toEqual([]);
    await expectProblem(await raw('PUT', '/v1/admin/roles/01938f2e-8a4b-7c3d-9e5f-0a1b2c3d4e5f/officer', admin), 404, 'not_found');
    await expectProblem(await raw('PUT', `/v1/admin/roles/${carla.citizenId}/root`, admin), 400, 'validation_failed');
  });

  it('pages through the accounts with roles', async () => {
    const admin = await signUpAdmin(t);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: Json } = await call('GET', `/v1/admin/roles?limit=2${cursor ? `&cursor=${cursor}` : ''}`, admin);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...(page.body.items as Json[]).map((h) => h.citizenId as string));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());
    expect(seen).toContain(admin.citizenId);
    await expectProblem(await raw('GET', '/v1/admin/roles?cursor=bogus', admin), 400, 'validation_failed');
  });
});

describe(`the last admin on ${ENGINE}`, () => {
  it('cannot lose the admin role, even when two admins revoke each other at once', async () => {
    // A database of its own, so "last" means last.
    const own = await createTestContext();
    try {
      const first = await signUpAdmin(own);
      const req = (who: SignedInCitizen, method: string, path: string) => own.app.request(path, { method, headers: bearer(who.token) });
      await expectProblem(await req(first, 'DELETE', `/v1/admin/roles/${first.citizenId}/admin`), 409, 'last_admin');
      expect((await req(first, 'GET', '/v1/admin/roles')).status).toBe(200);

      const second = await signUpAdmin(own);
      // Two admins, each revoking the other at the same moment: one must be refused.
      const [a, b] = await Promise.all([
        req(first, 'DELETE', `/v1/admin/roles/${second.citizenId}/admin`),
        req(second, 'DELETE', `/v1/admin/roles/${first.citizenId}/admin`),
      ]);
      expect([a.status, b.status].sort()).toEqual([204, 403].sort());
      const left = await own.db.query<{ n: number }>(`select count(*)::int as n from citizen_roles where role = 'admin'`);
      expect(Number(left[0]!.n)).toBe(1);

      // With a second admin, giving up one's own admin role is fine.
      const survivor = a.status === 204 ? first : second;
      const third = await signUpAdmin(own);
      expect((await req(survivor, 'DELETE', `/v1/admin/roles/${survivor.citizenId}/admin`)).status).toBe(204);
      await expectProblem(await req(third, 'DELETE', `/v1/admin/roles/${third.citizenId}/admin`), 409, 'last_admin');
      expect(own.logged.filter((l) => l.level === 'error')).toEqual([]);
    } finally {
      await own.close();
    }
  });
});
