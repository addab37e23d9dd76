/**
 * Open-data releases end to end (issue 22): activity through the API and in bulk, the log
 * integrated, an officer prepares, previews and publishes; anyone reads the release, its CSV
 * and CSVW metadata, its signed note (which verifies with the log's published key) and the
 * DCAT-AP catalogue; the release is byte-identical when recomputed at its checkpoint, even
 * after more events and an erasure; published releases never change; corrections are new
 * releases that say what they correct.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Parser } from 'n3';
import { parseCheckpoint, verifyNote } from '@permis/sdk/verify';
import { b64, sha256, toHex } from '@permis/sdk/encoding';
import { integrateLog } from '../src/log/integrate-log.js';
import { computeRelease } from '../src/open-data/compute-release.js';
import { type AuditEvent, insertAuditEvent } from '../src/storage/audit-repo.js';
import { storedLogOrigin } from '../src/storage/log-publication.js';
import { getRelease } from '../src/storage/open-data-repo.js';
import { signUpOfficer } from './support/admin.js';
import { bearer, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { approveConsentRequest, createConsentRequest, send } from './support/requests.js';
import { createServiceWithKey, getServiceToken, serviceBearer, type TestService } from './support/service-client.js';

let t: TestContext;
let officer: SignedInCitizen;
let alice: SignedInCitizen;
let svcA: TestService;
let svcB: TestService;

const officerSend = (method: string, path: string, body?: unknown) => send(t, method, path, bearer(officer.token), body);
const raw = (path: string, headers: Record<string, string> = {}) => t.app.request(path, { headers });

function check(serviceId: string, at: Date, decision: 'permit' | 'deny', reason?: string): AuditEvent {
  return {
    id: randomUUID(),
    type: 'consent.checked',
    actorType: 'service',
    actorId: serviceId,
    serviceId,
    createdAt: at,
    data: { subjectRef: `bulk-${randomUUID().slice(0, 6)}`, purpose: 't-benefits', dataCategories: ['t-address'], processing: [], decision, ...(reason ? { reason } : {}) },
  };
}

beforeAll(async () => {
  t = await createTestContext();
  officer = await signUpOfficer(t);
  alice = await signUpCitizen(t.app, t.config, { displayName: 'Alice' });
  svcA = await createServiceWithKey(t);
  svcB = await createServiceWithKey(t);
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

describe(`open-data releases on ${ENGINE}`, () => {
  it('refuses to prepare before the log has a checkpoint (409 no_checkpoint)', async () => {
    const r = await officerSend('POST', '/v1/officer/open-data/releases', {});
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('no_checkpoint');
  });

  let draftId: string;
  let treeSize: string;

  it('prepares a draft at the latest published checkpoint, with a preview marking withheld cells', async () => {
    // Through the API: a request, its approval (request.created, request.approved, consent.granted) and checks.
    const tokenA = await getServiceToken(t.app, svcA);
    const ref = `case-${randomUUID().slice(0, 8)}`;
    const req = await createConsentRequest(t, tokenA, ref);
    await approveConsentRequest(t, alice, req.id);
    for (let i = 0; i < 3; i++) {
      const r = await send(t, 'POST', '/v1/check', serviceBearer(tokenA), { subjectRef: ref, purpose: 't-benefits', dataCategory: 't-address' });
      expect(r.body.decision).toBe('permit');
    }
    // In bulk: enough checks for some cells to be published.
    const now = t.clock.now();
    await t.db.transaction(async (tx) => {
      for (let i = 0; i < 40; i++) await insertAuditEvent(tx, check(svcA.id, now, 'permit'));
      for (let i = 0; i < 25; i++) await insertAuditEvent(tx, check(svcB.id, now, 'permit'));
      for (let i = 0; i < 12; i++) await insertAuditEvent(tx, check(svcB.id, now, 'deny', 'no_consent'));
      for (let i = 0; i < 2; i++) await insertAuditEvent(tx, check(svcB.id, now, 'deny', 'withdrawn'));
    });
    treeSize = (await integrateLog(t.deps)).toString();

    const r = await officerSend('POST', '/v1/officer/open-data/releases', {});
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ status: 'draft', number: null, treeSize, k: 10, epsilon: null, signature: null });
    draftId = r.body.id;
    const preview = r.body.preview as { service: string | null; measure: string; value: number | null; trueValue: number | null; suppressed: string | null }[];
    const cell = (service: string | null, measure: string) => preview.find((c) => c.service === service && c.measure === measure)!;
    expect(cell(svcA.clientId, 'checks.permitted')).toMatchObject({ value: 43, trueValue: 43, suppressed: null });
    expect(cell(svcB.clientId, 'checks.permitted')).toMatchObject({ value: 25, suppressed: null });
    expect(cell(svcB.clientId, 'checks.denied.withdrawn')).toMatchObject({ value: null, trueValue: 2, suppressed: 'primary' });
    // svcB's withdrawn denials (2) would follow from checks.made − permitted − no_consent: the 12 is withheld too.
    expect(cell(svcB.clientId, 'checks.denied.no_consent')).toMatchObject({ value: null, trueValue: 12, suppressed: 'secondary' });
    expect(cell(svcA.clientId, 'consents.granted')).toMatchObject({ value: null, trueValue: 1, suppressed: 'primary' });
    for (const c of preview) if (c.value !== null) expect(c.value === 0 || c.value >= 10).toBe(true);
    expect(r.body.summary.primary).toBeGreaterThan(0);

    // A draft is not public.
    expect((await send(t, 'GET', '/v1/open-data/releases', {})).body.items).toEqual([]);
    expect((await raw('/v1/open-data/releases/1/statistics.csv')).status).toBe(404);
    expect(await (await raw('/open-data', { 'accept-language': 'en' })).text()).toContain('No dataset has been published yet.');
  });

  it('keeps every officer open-data operation to officers (401 anonymous, 403 without the role), leaving no trace', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const ops = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/officer/open-data/'))
      .flatMap(([path, byMethod]) => Object.keys(byMethod).map((m) => ({ method: m.toUpperCase(), path: path.replace('{id}', draftId) })));
    expect(ops).toHaveLength(6);
    const before = await t.db.query('select count(*)::int as n from audit_events');
    for (const op of ops) {
      const anon = await send(t, op.method, op.path, { 'content-type': 'application/json' }, op.method === 'POST' ? {} : undefined);
      expect({ status: anon.status, code: anon.body.code }, `${op.method} ${op.path}`).toEqual({ status: 401, code: 'unauthenticated' });
      const citizen = await send(t, op.method, op.path, bearer(alice.token), op.method === 'POST' ? {} : undefined);
      expect({ status: citizen.status, code: citizen.body.code }, `${op.method} ${op.path}`).toEqual({ status: 403, code: 'forbidden' });
    }
    expect(await t.db.query('select count(*)::int as n from audit_events')).toEqual(before);
  });

  it('validates what the officer asks for', async () => {
    const low = await officerSend('POST', '/v1/officer/open-data/releases', { k: 5 });
    expect(low.status).toBe(400);
    expect(low.body.errors[0].field).toBe('body.k');
    const half = await officerSend('POST', '/v1/officer/open-data/releases', { corrects: 1 });
    expect(half.status).toBe(400);
    const unknown = await officerSend('POST', '/v1/officer/open-data/releases', { corrects: 99, correctionNote: 'x' });
    expect(unknown.status).toBe(400);
    expect((await officerSend('POST', '/v1/officer/open-data/releases', { epsilon: -1 })).status).toBe(400);
    expect((await officerSend('POST', `/v1/officer/open-data/releases/${randomUUID()}/publish`)).status).toBe(404);
  });

  it('publishes it signed with the log key; anyone reads it, verifies the note and the checkpoint', async () => {
    const p = await officerSend('POST', `/v1/officer/open-data/releases/${draftId}/publish`);
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect(p.body).toMatchObject({ status: 'published', number: 1 });

    const list = await send(t, 'GET', '/v1/open-data/releases', {});
    expect(list.body.items).toHaveLength(1);
    const rel = list.body.items[0];
    expect(rel).toMatchObject({ number: 1, corrects: null, checkpoint: { treeSize }, k: 10 });

    const docRes = await raw(rel.links.json.replace('http://localhost:8787', ''));
    expect(docRes.headers.get('content-type')).toBe('application/json');
    const docBytes = await docRes.text();
    const doc = JSON.parse(docBytes);
    for (const c of doc.cells) if (c.value !== null) expect(c.value === 0 || c.value >= 10).toBe(true);
    expect(JSON.stringify(doc)).not.toContain('trueValue');
    expect(doc.services.sort()).toEqual([svcA.clientId, svcB.clientId].sort());

    const note = await (await raw('/v1/open-data/releases/1/signature.note')).text();
    const vkey = (await (await raw('/v1/log/key')).text()).trim();
    const { text } = await verifyNote(note, [vkey]);
    const origin = (await storedLogOrigin(t.db))!;
    const root = b64((await getRelease(t.db, draftId))!.rootHash);
    expect(text).toBe(`${origin}/open-data\nrelease 1\ncheckpoint ${treeSize} ${root}\nsha256 ${toHex(await sha256(docBytes))}\n`);
    // The stated checkpoint is one the log signed.
    const stored = (await getRelease(t.db, draftId))!;
    const cp = parseCheckpoint((await verifyNote(stored.checkpointNote, [vkey])).text);
    expect(cp.size.toString()).toBe(treeSize);
    expect(b64(cp.root)).toBe(root);
    await expect(verifyNote(note.replace('release 1', 'release 2'), [vkey])).rejects.toThrow();

    // The same with the command docs/open-data.md shows, offline, from the downloaded files.
    const dir = mkdtempSync(join(tmpdir(), 'permis-release-'));
    writeFileSync(join(dir, 'release.json'), docBytes);
    writeFileSync(join(dir, 'release.note'), note);
    writeFileSync(join(dir, 'log.key'), `${vkey}\n`);
    writeFileSync(join(dir, 'checkpoint.note'), stored.checkpointNote);
    writeFileSync(join(dir, 'tampered.json'), docBytes.replace('"threshold":10', '"threshold":11'));
    const cli = (file: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'sdk/src/cli/permis-verify.ts', 'release', join(dir, file), '--note', join(dir, 'release.note'), '--key', join(dir, 'log.key'), '--checkpoint', join(dir, 'checkpoint.note')], { encoding: 'utf8' });
    const ok = cli('release.json');
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`valid open-data release 1 of ${origin}`);
    expect(ok.stdout).toContain(`computed at tree size ${treeSize}, root ${root}`);
    const bad = cli('tampered.json');
    expect(bad.status).toBe(1);
    expect(bad.stderr + bad.stdout).toContain('SHA-256 differs');
  });

  it('serves the CSV (RFC 4180) with its CSVW metadata, and the DCAT-AP catalogue', async () => {
    const csvRes = await raw('/v1/open-data/releases/1/statistics.csv');
    expect(csvRes.status).toBe(200);
    expect(csvRes.headers.get('content-type')).toContain('text/csv');
    const csv = await csvRes.text();
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('month,scope,service,measure,value,withheld');
    expect(lines.at(-1)).toBe('');
    expect(lines.some((l) => l.endsWith(`,service,${svcA.clientId},checks.permitted,43,false`))).toBe(true);
    expect(lines.some((l) => l.endsWith(`,service,${svcB.clientId},checks.denied.withdrawn,,true`))).toBe(true);
    const doc = JSON.parse(await (await raw('/v1/open-data/releases/1/release.json')).text());
    expect(lines.length - 2).toBe(doc.cells.length);

    const meta = await (await raw('/v1/open-data/releases/1/statistics.csv-metadata.json')).json();
    expect(meta.url).toBe('http://localhost:8787/v1/open-data/releases/1/statistics.csv');
    expect(meta.tableSchema.columns.map((c: { name: string }) => c.name)).toEqual(['month', 'scope', 'service', 'measure', 'value', 'withheld']);

    const ttl = await raw('/v1/open-data/catalogue.ttl');
    expect(ttl.headers.get('content-type')).toContain('text/turtle');
    const quads = new Parser().parse(await ttl.text());
    expect(quads.some((q) => q.predicate.value === 'http://www.w3.org/ns/dcat#downloadURL' && q.object.value.endsWith('/releases/1/statistics.csv'))).toBe(true);
    const ld = await raw('/v1/open-data/catalogue', { accept: 'application/ld+json' });
    expect(ld.headers.get('content-type')).toBe('application/ld+json');
    expect((await ld.json())['@graph'].length).toBeGreaterThan(5);
    expect((await raw('/v1/open-data/catalogue')).headers.get('content-type')).toContain('text/turtle');
  });

  it('shows the public pages without sign-in, in three languages, linking to the datasets', async () => {
    const page = await raw('/open-data', { 'accept-language': 'en' });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Release 1, computed from the transparency log');
    expect(html).toContain(`/open-data/services/${svcA.clientId}`);
    expect(html).toContain('/v1/open-data/releases/1/statistics.csv');
    expect(html).toContain('withheld');
    const svc = await raw(`/open-data/services/${svcA.clientId}`, { 'accept-language': 'ca' });
    expect(svc.status).toBe(200);
    const svcHtml = await svc.text();
    expect(svcHtml).toContain('Delegat de protecció de dades');
    expect(svcHtml).toContain('<td>43</td>');
    expect((await raw('/open-data/services/no-such-service')).status).toBe(404);
  });

  it('is byte-identical when recomputed at its checkpoint, after more events and an erasure', async () => {
    const tokenB = await getServiceToken(t.app, svcB);
    await send(t, 'POST', '/v1/check', serviceBearer(tokenB), { subjectRef: 'someone', purpose: 't-benefits', dataCategory: 't-address' });
    const erased = await send(t, 'POST', '/v1/me/erase', bearer(alice.token), { confirm: 'erase my account' });
    expect([200, 202, 204], JSON.stringify(erased.body)).toContain(erased.status);
    expect(BigInt((await integrateLog(t.deps)).toString())).toBeGreaterThan(BigInt(treeSize));
    const r = await officerSend('POST', `/v1/officer/open-data/releases/${draftId}/recompute`);
    expect(r.status).toBe(200);
    expect(r.body.identical).toBe(true);
    expect(r.body.documentSha256).toBe(r.body.storedSha256);
    const stored = (await getRelease(t.db, draftId))!;
    const again = await computeRelease(t.db, { origin: (await storedLogOrigin(t.db))!, treeSize: stored.treeSize, rootHash: stored.rootHash, k: 10, epsilon: null, secret: t.config.pairwiseSecret });
    expect(again.document).toBe(stored.document);
  });

  it('never changes a published release; a correction is a new release that says what it corrects', async () => {
    const again = await officerSend('POST', `/v1/officer/open-data/releases/${draftId}/publish`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('release_immutable');
    expect((await officerSend('DELETE', `/v1/officer/open-data/releases/${draftId}`)).status).toBe(409);
    await expect(t.db.query(`update open_data_releases set k = 20 where id = $1`, [draftId])).rejects.toThrow();
    await expect(t.db.query(`delete from open_data_releases where id = $1`, [draftId])).rejects.toThrow();

    const fix = await officerSend('POST', '/v1/officer/open-data/releases', { corrects: 1, correctionNote: 'Release 1 missed late checks.', k: 12, epsilon: 1 });
    expect(fix.status, JSON.stringify(fix.body)).toBe(201);
    expect(fix.body).toMatchObject({ corrects: 1, correctionNote: 'Release 1 missed late checks.', k: 12, epsilon: 1 });
    const published = await officerSend('POST', `/v1/officer/open-data/releases/${fix.body.id}/publish`);
    expect(published.body.number).toBe(2);
    const rel = (await send(t, 'GET', '/v1/open-data/releases/2', {})).body;
    expect(rel).toMatchObject({ number: 2, corrects: 1, correctionNote: 'Release 1 missed late checks.', epsilon: 1 });
    expect(rel.signature).toContain('\ncorrects 1\n');
    const recomputed = await officerSend('POST', `/v1/officer/open-data/releases/${fix.body.id}/recompute`);
    expect(recomputed.body.identical).toBe(true);

    // A discarded draft leaves no trace among the releases (but its preparation is in the log).
    const draft = await officerSend('POST', '/v1/officer/open-data/releases', {});
    expect((await officerSend('DELETE', `/v1/officer/open-data/releases/${draft.body.id}`)).status).toBe(204);
    expect((await officerSend('GET', `/v1/officer/open-data/releases/${draft.body.id}`)).status).toBe(404);
    const types = (await t.db.query<{ type: string }>(`select type from audit_events where type like 'officer.release_%' order by seq`)).map((x) => x.type);
    expect(types).toEqual(['officer.release_prepared', 'officer.release_published', 'officer.release_prepared', 'officer.release_published', 'officer.release_prepared', 'officer.release_discarded']);
  });
});
