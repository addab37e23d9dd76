/**
 * Contract: the admin and officer clients against the real app in-process — services, keys,
 * catalogue, roles and invitations; the officer's search, stats and the streamed export.
 */
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrateLog } from '../../src/log/integrate-log.js';
import { signUpAdmin } from '../../test/support/admin.js';
import { signUpCitizen } from '../../test/support/citizen.js';
import { adminOperations, createAdminClient, createCitizenClient, createOfficerClient, createServiceClient, officerOperations, type AdminClient } from '../src/index.js';
import { contractContext, createServiceWithKey, privateJwkOf, type TestContext } from './support/contract.js';

let t: TestContext;
let rec: Awaited<ReturnType<typeof contractContext>>['rec'];
let base: Awaited<ReturnType<typeof contractContext>>['base'];
let admin: AdminClient;

beforeAll(async () => {
  ({ t, rec, base } = await contractContext());
  await createServiceWithKey(t); // seeds the test catalogue
  admin = createAdminClient({ ...base, sessionToken: (await signUpAdmin(t)).token });
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

const tri = (s: string) => ({ ca: s, es: s, en: s });

describe('admin client, contract', () => {
  it('registers, updates, suspends and reactivates a service and replaces its keys', async () => {
    const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'EdDSA', use: 'sig' };
    const created = await admin.createService({
      clientId: `sdk-admin-${Date.now()}`,
      name: tri('Servei SDK'),
      description: tri('Un servei creat amb el SDK'),
      controller: { name: 'Ajuntament de Barcelona', dpoContact: 'dpd@example.cat', policyUrl: 'https://example.cat/privacy' },
      purposes: ['t-benefits'],
      categories: ['t-address'],
      processing: [],
      jwks: { keys: [publicJwk] },
    } as never);
    expect(created.status).toBe('active');
    expect((await admin.getService(created.id)).clientId).toBe(created.clientId);
    expect((await admin.listServices().first()).map((s) => s.id)).toContain(created.id);
    expect((await admin.updateService(created.id, { name: tri('Servei SDK 2') } as never)).name.ca).toBe('Servei SDK 2');
    // The service works, is suspended (its tokens stop), and works again.
    const service = createServiceClient({ ...base, clientId: created.clientId, privateKey: { ...(await exportJWK(pair.privateKey)), kid: 'k1', alg: 'EdDSA' } });
    expect((await service.check({ subjectRef: 'a', purpose: 't-benefits', dataCategory: 't-address' })).decision).toBe('deny');
    expect((await admin.suspendService(created.id, { reason: 'audit' })).status).toBe('suspended');
    await expect(service.check({ subjectRef: 'a', purpose: 't-benefits', dataCategory: 't-address' })).rejects.toMatchObject({ status: 401 });
    expect((await admin.activateService(created.id, {})).status).toBe('active');
    const other = await createServiceWithKey(t);
    const replaced = await admin.setServiceJwks(created.id, { keys: [other.keys[0]!.publicJwk as Record<string, unknown>] });
    expect(replaced).toBeTruthy();
    const withNewKey = createServiceClient({ ...base, clientId: created.clientId, privateKey: await privateJwkOf(other) });
    expect((await withNewKey.check({ subjectRef: 'a', purpose: 't-benefits', dataCategory: 't-address' })).decision).toBe('deny');
  });

  it('edits the catalogue', async () => {
    const code = `t-sdk-${Date.now() % 100000}`;
    const created = await admin.createTerm({ kind: 'purpose', code, label: tri('Prova'), description: tri('Una finalitat de prova') } as never);
    expect(created.code).toBe(code);
    expect((await admin.updateTerm('purpose', code, { label: tri('Prova 2') } as never)).label.ca).toBe('Prova 2');
    await admin.deleteTerm('purpose', code);
    await expect(admin.deleteTerm('purpose', 't-benefits')).rejects.toMatchObject({ code: 'term_in_use', status: 409 });
  });

  it('grants and revokes roles, and manages invitations', async () => {
    const who = await signUpCitizen(t.app, t.config, { displayName: 'Future officer' });
    await admin.grantRole(who.citizenId, 'officer');
    expect((await admin.listRoles({ role: 'officer' }).first()).map((r) => r.citizenId)).toContain(who.citizenId);
    await admin.revokeRole(who.citizenId, 'officer');
    const invitation = await admin.createInvitation({ role: 'officer' });
    expect((await admin.listInvitations().first()).map((i) => i.id)).toContain(invitation.id);
    await admin.revokeInvitation(invitation.id);
    await expect(createCitizenClient({ ...base, sessionToken: who.token }).enrol(invitation.code)).rejects.toMatchObject({ code: 'enrolment_code_invalid' });
  });

  it('reads the e-mail outbox and retries a dead letter', async () => {
    const who = createCitizenClient({ ...base, sessionToken: (await signUpCitizen(t.app, t.config)).token });
    await who.setEmail({ address: 'mail@example.test' });
    const [queued] = await admin.listNotificationMail({ status: 'pending' }).first();
    expect(queued).toMatchObject({ kind: 'confirmation', eventType: 'email.confirmation', status: 'pending' });
    await t.db.query(`update notification_mail set status = 'dead', last_error = '550 no' where id = $1`, [queued!.id]);
    expect((await admin.getNotificationMail(queued!.id)).deliveryLog).toEqual([]);
    expect((await admin.retryNotificationMail(queued!.id)).status).toBe('pending');
  });

  it('covers every operation of the admin client', () => {
    rec.expectCovered(adminOperations);
  });
});

describe('officer client, contract', () => {
  it('searches, counts and exports the access log as a stream', async () => {
    const code = (await admin.createInvitation({ role: 'officer' })).code;
    const who = await signUpCitizen(t.app, t.config, { displayName: 'Officer' });
    await createCitizenClient({ ...base, sessionToken: who.token }).enrol(code);
    const officer = createOfficerClient({ ...base, sessionToken: who.token });
    const events = await officer.searchEvents({ limit: 5 } as never).first(12);
    expect(events.length).toBe(12);
    const stats = await officer.eventStats({});
    expect(Number.isInteger(stats.total)).toBe(true);
    t.clock.advance(1000); // an export ends at "now", exclusive; the test clock stands still otherwise
    const ndjson = await officer.exportEvents({ format: 'ndjson' } as never);
    expect(ndjson.contentType).toContain('application/x-ndjson');
    expect(ndjson.filename).toMatch(/\.ndjson$/);
    const records: Record<string, unknown>[] = [];
    for await (const r of ndjson.records()) records.push(r);
    expect(records.length).toBeGreaterThanOrEqual(12);
    expect(records.every((r) => typeof r.id === 'string')).toBe(true);
    const csv = await officer.exportEvents({ format: 'csv' } as never);
    const lines: string[] = [];
    for await (const line of csv) lines.push(line);
    expect(lines[0]).toContain('id');
    expect(lines.length).toBeGreaterThan(12);
    await expect(createOfficerClient({ ...base, sessionToken: (await signUpCitizen(t.app, t.config)).token }).eventStats({})).rejects.toMatchObject({ code: 'forbidden', status: 403 });
  });

  it('records, lists, reads and ends representation relationships', async () => {
    const code = (await admin.createInvitation({ role: 'officer' })).code;
    const who = await signUpCitizen(t.app, t.config, { displayName: 'Officer 2' });
    await createCitizenClient({ ...base, sessionToken: who.token }).enrol(code);
    const officer = createOfficerClient({ ...base, sessionToken: who.token });
    const parent = await signUpCitizen(t.app, t.config, { displayName: 'Parent' });
    const now = t.clock.now();
    const birthDate = new Date(Date.UTC(now.getUTCFullYear() - 8, 0, 15)).toISOString().slice(0, 10);
    const rel = await officer.recordRepresentation({ kind: 'parental_authority', representativeId: parent.citizenId, represented: { displayName: 'Child' }, birthDate, evidenceRef: 'Llibre de família 1/2020' });
    expect(rel).toMatchObject({ status: 'active', represented: { managed: true } });
    expect((await officer.listRepresentations({ endingWithinDays: 7 * 366 }).first()).map((r) => r.id)).toContain(rel.id);
    expect((await officer.getRepresentation(rel.id)).revisions).toHaveLength(1);
    expect((await officer.endRepresentation(rel.id, { reason: 'Recorded by mistake' })).status).toBe('ended');
    await expect(officer.endRepresentation(rel.id, { reason: 'again' })).rejects.toMatchObject({ code: 'representation_not_active', status: 409 });
  });

  it('prepares, reviews, discards, publishes and recomputes open-data releases', async () => {
    const code = (await admin.createInvitation({ role: 'officer' })).code;
    const who = await signUpCitizen(t.app, t.config, { displayName: 'Officer 3' });
    await createCitizenClient({ ...base, sessionToken: who.token }).enrol(code);
    const officer = createOfficerClient({ ...base, sessionToken: who.token });
    await integrateLog(t.deps);
    const scrap = await officer.prepareRelease();
    await officer.discardRelease(scrap.id);
    await expect(officer.getRelease(scrap.id)).rejects.toMatchObject({ status: 404 });
    const draft = await officer.prepareRelease({ k: 10 });
    expect(draft).toMatchObject({ status: 'draft', number: null, k: 10 });
    expect((await officer.getRelease(draft.id)).preview.length).toBeGreaterThan(0);
    const published = await officer.publishRelease(draft.id);
    expect(published).toMatchObject({ status: 'published', number: 1 });
    expect((await officer.listReleases()).items.map((r) => r.id)).toContain(draft.id);
    expect((await officer.recomputeRelease(draft.id)).identical).toBe(true);
    await expect(officer.discardRelease(draft.id)).rejects.toMatchObject({ code: 'release_immutable' });
  });

  it('covers every operation of the officer client', () => {
    rec.expectCovered(officerOperations);
  });
});
