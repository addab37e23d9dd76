/**
 * Contract: the citizen client against the real app in-process — passkey sign-up and sign-in
 * with a software authenticator, passkeys, sessions, consents through their whole life
 * (verified receipts), requests (approve, reject) and roles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSoftAuthenticator, type SoftAuthenticator } from '../../src/devtools/soft-authenticator.js';
import { inviteFromCli } from '../../test/support/admin.js';
import { integrateLog } from '../../src/log/integrate-log.js';
import { citizenOperations, createCitizenClient, createPublicClient, createServiceClient, verifyAccessLogPage, verifyReceiptChain, type CitizenClient, type JwkSet } from '../src/index.js';
import { contractContext, createServiceWithKey, privateJwkOf, type TestContext, type TestService } from './support/contract.js';

let t: TestContext;
let rec: Awaited<ReturnType<typeof contractContext>>['rec'];
let base: Awaited<ReturnType<typeof contractContext>>['base'];
let svc: TestService;
let me: CitizenClient;
let authenticator: SoftAuthenticator;

beforeAll(async () => {
  ({ t, rec, base } = await contractContext());
  svc = await createServiceWithKey(t);
  authenticator = createSoftAuthenticator({ alg: 'Ed25519', origin: t.config.publicUrl, rpId: t.config.rpId });
  me = createCitizenClient(base);
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

const use = (a: SoftAuthenticator) => (o: Record<string, unknown>) => a.authenticate(o as never);
const create = (a: SoftAuthenticator) => (o: unknown) => a.register(o as never);

describe('citizen client, contract', () => {
  it('signs up, signs in again, manages passkeys and sessions, signs out', async () => {
    const signed = await me.signUp('Laia', create(authenticator), { passkeyName: 'laptop' });
    expect(me.sessionToken).toBe(signed.session.token);
    expect((await me.me()).displayName).toBe('Laia');
    // A second device, renamed, then removed.
    const phone = createSoftAuthenticator({ alg: 'ES256', origin: t.config.publicUrl, rpId: t.config.rpId });
    const added = await me.addPasskey(create(phone), { name: 'phone' });
    expect((await me.listPasskeys()).map((p) => p.name).sort()).toEqual(['laptop', 'phone']);
    expect((await me.renamePasskey(added.id, 'old phone')).name).toBe('old phone');
    await me.deletePasskey(added.id);
    expect(await me.listPasskeys()).toHaveLength(1);
    await expect(me.deletePasskey((await me.listPasskeys())[0]!.id)).rejects.toMatchObject({ code: 'last_passkey' });

    const other = createCitizenClient(base);
    await other.signIn(use(authenticator));
    const sessions = await other.listSessions().first();
    expect(sessions.length).toBe(2);
    const mine = sessions.find((s) => !s.current)!;
    await other.revokeSession(mine.id);
    await expect(me.me()).rejects.toMatchObject({ code: 'unauthenticated', status: 401 });
    await me.signIn(use(authenticator));
    await other.signOut();
    expect(other.sessionToken).toBeUndefined();
    await expect(other.me()).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('gives, narrows, pauses, resumes and withdraws a consent; every receipt verifies', async () => {
    const validUntil = new Date(t.clock.now().getTime() + 30 * 86_400_000).toISOString();
    const granted = await me.grantConsent({
      serviceId: svc.id,
      purposes: ['t-benefits'],
      dataCategories: ['t-address', 't-income'],
      validUntil,
      notice: { language: 'ca', version: 'sdk-1', text: 'Autoritzo el servei a consultar la meva adreça i ingressos.' },
    });
    const id = granted.consent.id;
    await me.narrowConsent(id, { dataCategories: ['t-address'] }, { ifRevision: 1 });
    await expect(me.pauseConsent(id, {}, { ifRevision: 1 })).rejects.toMatchObject({ code: 'precondition_failed', status: 412 });
    await me.pauseConsent(id);
    await me.resumeConsent(id);
    await me.withdrawConsent(id, { reason: 'no longer needed' });
    await expect(me.resumeConsent(id)).rejects.toMatchObject({ code: 'illegal_transition', status: 409 });
    expect((await me.getConsent(id)).status).toBe('withdrawn');
    expect((await me.listConsents({ serviceId: svc.id }).first()).map((c) => c.id)).toContain(id);
    expect((await me.getConsentRevisions(id)).map((r) => r.revision)).toEqual([1, 2, 3, 4, 5]);
    const jwks = (await createServiceClient({ ...base, clientId: svc.clientId, privateKey: await privateJwkOf(svc) }).public.jwks()) as JwkSet;
    const chain = await verifyReceiptChain((await me.getConsentReceipts(id)).map((r) => r.jws), jwks, { issuer: t.config.publicUrl });
    expect(chain.map((r) => r.claims.event)).toEqual(['granted', 'narrowed', 'paused', 'resumed', 'withdrawn']);
  });

  it('reads, approves and rejects requests; approval is signed by the passkey (Ed25519)', async () => {
    const service = createServiceClient({ ...base, clientId: svc.clientId, privateKey: await privateJwkOf(svc), now: () => t.clock.now().getTime() });
    const body = (subjectRef: string) => ({
      subjectRef,
      purposes: ['t-benefits'],
      dataCategories: ['t-address'],
      durationDays: 30,
      notice: { version: 'sdk-2', texts: { es: 'Autorizo la consulta de mi dirección.' } },
    });
    const ref = `cit-${Date.now()}`;
    const first = await service.requestConsent(body(ref));
    expect((await me.getRequest(first.id, { lang: 'es' })).language).toBe('es');
    const started = await me.startApproval(first.id, { language: 'es' });
    const approved = await me.approveRequest(first.id, { ceremonyId: started.ceremonyId, response: (await authenticator.authenticate(started.options as never)) as never });
    const jwks = (await service.public.jwks()) as JwkSet;
    const [receipt] = await verifyReceiptChain([approved.receipt.jws], jwks, { issuer: t.config.publicUrl, origin: t.config.publicUrl, rpId: t.config.rpId });
    expect(receipt!.citizenSignature).toMatchObject({ alg: 'EdDSA' });
    const second = await service.requestConsent(body(ref), { idempotencyKey: `idem-${ref}` });
    // The same Idempotency-Key replays the first answer.
    expect((await service.requestConsent(body(ref), { idempotencyKey: `idem-${ref}` })).id).toBe(second.id);
    expect((await me.rejectRequest(second.id)).status).toBe('rejected');
    expect((await me.listRequests({ status: 'rejected' }).first()).map((r) => r.id)).toEqual([second.id]);
  });

  it('holds roles after enrolling with a one-time code', async () => {
    expect((await me.myRoles()).roles).toEqual([]);
    const enrolled = await me.enrol(await inviteFromCli(t, 'officer'));
    expect(enrolled.role).toBe('officer');
    expect((await me.myRoles()).roles).toEqual(['officer']);
    await expect(me.enrol('NOT-A-CODE')).rejects.toMatchObject({ code: 'enrolment_code_invalid' });
  });

  it('reads its access log with proofs, exports its data, and erases the account', async () => {
    const service = createServiceClient({ ...base, clientId: svc.clientId, privateKey: await privateJwkOf(svc), now: () => t.clock.now().getTime() });
    const ref = `log-${Date.now()}`;
    const request = await service.requestConsent({ subjectRef: ref, purposes: ['t-benefits'], dataCategories: ['t-address'], durationDays: 30, notice: { version: 'l-1', texts: { ca: 'Autoritzo.' } } });
    await me.approve(request.id, use(authenticator));
    await service.check({ subjectRef: ref, purpose: 't-benefits', dataCategory: 't-address' });
    await integrateLog(t.deps);
    const key = await createPublicClient(base).logKey();
    let proven = 0;
    for await (const page of me.accessLog().pages()) proven += (await verifyAccessLogPage(page, [key])).proven.length;
    expect(proven).toBeGreaterThanOrEqual(3);
    const entries = await me.accessLog({ type: 'consent.checked' } as never).first();
    expect(entries.some((e) => e.decision === 'permit')).toBe(true);
    const data = await me.exportMyData();
    expect(data.format).toBe('permis-export/1');
    expect(data.consents.length).toBeGreaterThanOrEqual(2);

    const leaving = createCitizenClient(base);
    const a = createSoftAuthenticator({ alg: 'ES256', origin: t.config.publicUrl, rpId: t.config.rpId });
    await leaving.signUp('Leaving', create(a));
    const erased = await leaving.eraseAccount();
    expect(erased.withdrawnConsents).toBe(0);
    expect(leaving.sessionToken).toBeUndefined();
  });

  it('renews a consent as its service asked, declines another, and manages notifications and e-mail', async () => {
    const service = createServiceClient({ ...base, clientId: svc.clientId, privateKey: await privateJwkOf(svc), now: () => t.clock.now().getTime() });
    const ask = async (ref: string) =>
      (await me.approve(
        (await service.requestConsent({ subjectRef: ref, purposes: ['t-benefits'], dataCategories: ['t-address'], durationDays: 30, notice: { version: 'ren-1', texts: { ca: 'Autoritzo.' } } })).id,
        use(authenticator),
      )).consent;
    const [kept, dropped] = [await ask(`ren-a-${Date.now()}`), await ask(`ren-b-${Date.now()}`)];
    await service.requestRenewal(kept.id);
    await service.requestRenewal(dropped.id);
    const news = await me.listNotifications({ unread: 'true' }).first();
    expect(news.filter((n) => n.type === 'consent.renewal_requested').map((n) => n.consentId).sort()).toEqual([kept.id, dropped.id].sort());
    await me.markNotificationRead(news[0]!.id);
    await me.markAllNotificationsRead();
    expect(await me.listNotifications({ unread: 'true' }).first()).toEqual([]);

    const renewed = await me.renew(kept.id, use(authenticator));
    expect(renewed.consent.revision).toBe(2);
    const jwks = (await service.public.jwks()) as JwkSet;
    const chain = await verifyReceiptChain((await me.getConsentReceipts(kept.id)).map((r) => r.jws), jwks, { issuer: t.config.publicUrl, origin: t.config.publicUrl, rpId: t.config.rpId });
    expect(chain[1]).toMatchObject({ claims: { event: 'renewed' }, citizenSignature: { alg: 'EdDSA' } });
    expect((await me.declineRenewal(dropped.id)).status).toBe('declined');

    expect((await me.saveNotificationSettings({ language: 'es', preferences: [{ type: 'request.waiting', inbox: true, email: false }] })).language).toBe('es');
    expect((await me.setEmail({ address: 'laia@example.test' })).status).toBe('unconfirmed');
    await me.resendEmailConfirmation();
    expect((await me.getNotificationSettings()).email).toMatchObject({ address: 'laia@example.test', status: 'unconfirmed' });
    await me.removeEmail();
    expect((await me.getNotificationSettings()).email).toBeNull();
  });

  it('authorises a representative, who accepts with a passkey; revokes in one step', async () => {
    const repAuth = createSoftAuthenticator({ alg: 'ES256', origin: t.config.publicUrl, rpId: t.config.rpId });
    const rep = createCitizenClient(base);
    const repAccount = await rep.signUp('Representant', create(repAuth));
    const validUntil = new Date(t.clock.now().getTime() + 90 * 86_400_000).toISOString();
    const made = await me.authoriseRepresentative({ representativeId: repAccount.citizen.id, services: [svc.id], actions: ['view', 'withdraw'], validUntil });
    expect(made).toMatchObject({ status: 'pending', role: 'represented', inForce: false });
    const accepted = await rep.accept(made.id, use(repAuth));
    expect(accepted).toMatchObject({ status: 'active', role: 'representative', inForce: true });
    expect((await me.listRepresentations()).items.map((r) => r.id)).toContain(made.id);
    expect((await me.revokeRepresentation(made.id)).status).toBe('revoked');
    expect((await rep.listRepresentations()).items.find((r) => r.id === made.id)).toMatchObject({ inForce: false, deniedReason: 'revoked' });
  });

  it('covers every operation of the citizen client', () => {
    rec.expectCovered(citizenOperations);
  });
});
