/**
 * Contract: the public client against the real app in-process — health, keys, catalogue,
 * services, and the transparency log, whose checkpoints and proofs the SDK verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrateLog } from '../../src/log/integrate-log.js';
import { logOrigin } from '../../src/log/log-origin.js';
import { submitToWitnesses } from '../../src/log/witness-submission.js';
import { createTestDatabase } from '../../test/support/database.js';
import { insertEvents } from '../../test/support/log.js';
import { signUpOfficer } from '../../test/support/admin.js';
import { startWitness } from '../../test/support/witness.js';
import { createOfficerClient, createPublicClient, MerkleProofError, NoteError, publicOperations, type PublicClient, verifyCheckpoint, verifyInclusionProof } from '../src/index.js';
import { sha256, toHex } from '../src/core/encoding.js';
import { verifyNote } from '../src/verify/signed-note.js';
import { parsePolicy } from '../src/verify/policy.js';
import { contractContext, createServiceWithKey, type TestContext, type TestService } from './support/contract.js';

let t: TestContext;
let rec: Awaited<ReturnType<typeof contractContext>>['rec'];
let pub: PublicClient;
let svc: TestService;
let base: Awaited<ReturnType<typeof contractContext>>['base'];

beforeAll(async () => {
  const c = await contractContext();
  ({ t, rec, base } = c);
  svc = await createServiceWithKey(t);
  pub = createPublicClient(c.base);
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

describe('public client, contract', () => {
  it('reads health, keys, catalogue and services', async () => {
    expect(await pub.health()).toBeTruthy();
    expect(await pub.ready()).toBeTruthy();
    expect((await pub.jwks()).keys.length).toBeGreaterThanOrEqual(3);
    expect((await pub.authorizationServerMetadata()).token_endpoint_auth_methods_supported).toEqual(['private_key_jwt']);
    const catalogue = await pub.catalogue({ lang: 'ca' });
    expect(catalogue.purposes.map((p) => p.code)).toContain('t-benefits');
    expect((await pub.catalogueTerm('category', 't-health')).code).toBe('t-health');
    await expect(pub.catalogueTerm('purpose', 'no-such-term')).rejects.toMatchObject({ code: 'not_found', status: 404 });
    expect((await pub.listServices({ limit: 1 }).first()).length).toBe(1);
    expect((await pub.getService(svc.id)).clientId).toBe(svc.clientId);
  });

  it('verifies checkpoints, inclusion of an event, and consistency between checkpoints', async () => {
    await expect(pub.logCheckpoint()).rejects.toMatchObject({ code: 'not_ready', status: 503 });
    const [first] = await insertEvents(t.db, t.clock, 3);
    await integrateLog(t.deps);
    const key = await pub.logKey();
    const older = await pub.verifiedCheckpoint(key);
    const n = older.size; // the three events and what setting up wrote before them
    expect(n).toBeGreaterThanOrEqual(3n);
    expect(older.origin).toBe('localhost:8787');
    expect(await pub.verifyEventInLog(first!, older)).toBe(n - 3n);
    await insertEvents(t.db, t.clock, 5);
    await integrateLog(t.deps);
    const newer = await pub.verifiedCheckpoint(key);
    expect(newer.size).toBe(n + 5n);
    await pub.verifyLogConsistency(older, newer);
    const leaves = await pub.logLeaves({ start: '0', end: newer.size.toString() });
    expect(leaves.leaves).toHaveLength(Number(newer.size));

    // Altered proofs and notes are refused with specific reasons.
    const proof = await pub.logInclusionProof({ index: '1', treeSize: newer.size.toString() });
    const flipped = { ...proof, proof: [Buffer.from(Buffer.from(proof.proof[0]!, 'base64').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64'), ...proof.proof.slice(1)] };
    await expect(verifyInclusionProof(flipped, newer)).rejects.toMatchObject({ reason: 'root_mismatch' });
    await expect(verifyInclusionProof(proof, older)).rejects.toBeInstanceOf(MerkleProofError);
    const note = await pub.logCheckpoint();
    await expect(verifyCheckpoint(note.replace(`\n${newer.size}\n`, `\n${newer.size + 1n}\n`), [key])).rejects.toMatchObject({ reason: 'signature_invalid' });
    await expect(verifyCheckpoint(note, [key], { origin: 'elsewhere.example' })).rejects.toMatchObject({ reason: 'origin_mismatch' });
    await expect(verifyCheckpoint(note, ['other.example+01234567+AQ' + 'A'.repeat(42) + '='])).rejects.toBeInstanceOf(NoteError);
    const consistency = await pub.logConsistencyProof({ from: n.toString(), to: newer.size.toString() });
    expect(consistency.proof.length).toBeGreaterThan(0);
  });

  it('reads the checkpoint a quorum of witnesses cosigned, from a real witness over HTTP', async () => {
    await expect(pub.logWitnessedCheckpoint()).rejects.toMatchObject({ code: 'not_found', status: 404 });
    const logVkey = await pub.logKey();
    const witnessDb = await createTestDatabase();
    const witness = await startWitness(witnessDb.db, 'witness.example', [{ origin: await logOrigin(t.deps), vkey: logVkey, signer: undefined as never, tree: undefined as never }]);
    try {
      const policy = await parsePolicy([`log ${logVkey}`, `witness W ${witness.vkey} ${witness.url}`, 'quorum W'].join('\n'));
      t.config.witnesses = policy;
      await submitToWitnesses(t.deps, { fetch: (u, i) => fetch(u, i), timeoutMs: 5000 });
      const witnessed = await verifyCheckpoint(await pub.logWitnessedCheckpoint(), policy);
      expect(witnessed.size).toBe((await pub.verifiedCheckpoint(logVkey)).size);
    } finally {
      t.config.witnesses = undefined;
      await witness.close();
      await witnessDb.drop();
    }
  });

  it('reads a published open-data release, its files and the DCAT-AP catalogue', async () => {
    const officer = createOfficerClient({ ...base, sessionToken: (await signUpOfficer(t)).token });
    await integrateLog(t.deps);
    await officer.publishRelease((await officer.prepareRelease()).id);
    const [latest] = (await pub.openDataReleases()).items;
    expect(latest!.number).toBe(1);
    expect((await pub.openDataRelease(1)).number).toBe(1);
    const doc = await pub.openDataReleaseDocument(1);
    const { text } = await verifyNote(await pub.openDataSignature(1), [await pub.logKey()]);
    expect(text).toContain(`sha256 ${toHex(await sha256(new TextEncoder().encode(doc)))}\n`);
    expect((await pub.openDataCsv(1)).split('\r\n')[0]).toContain(',');
    expect(JSON.parse(await pub.openDataCsvMetadata(1))).toMatchObject({ '@context': expect.anything() });
    for (const ttl of [await pub.openDataCatalogue(), await pub.openDataCatalogueTurtle()]) expect(ttl).toContain('dcat:Catalog');
    expect(JSON.parse(await pub.openDataCatalogueJsonLd())).toBeTruthy();
  });

  it('covers every operation of the public client', () => {
    rec.expectCovered(publicOperations);
  });
});
