/**
 * Conformance: the transparency log and the officer over HTTP — an officer enrols with a code
 * made by the CLI, finds a citizen's consent events; the integrator (Cron Trigger on the Worker,
 * timer on Node) integrates them; the checkpoint verifies with the log's key and an inclusion
 * proof of the found event verifies against it.
 */
import { verifyCheckpoint, verifyConsistencyProof, verifyInclusionProof } from '@permis/sdk';
import { describe, expect, it } from 'vitest';
import { call, conf, eventually, type Json, registeredService, send, serviceToken, signUp } from './support/client.js';

describe(`the log and the officer (${conf.target})`, () => {
  it('an officer finds the events of a consent; each gets a leaf proven in a signed checkpoint', async () => {
    const officer = await signUp('Officer');
    expect((await send('GET', '/v1/officer/events', undefined, officer.token)).status).toBe(403);
    const enrolled = await call('POST', '/v1/auth/enrol', { code: conf.officerCode }, officer.token);
    expect((enrolled.roles as Json[]).map((r) => r.role)).toContain('officer');
    // A code works once.
    expect((await send('POST', '/v1/auth/enrol', { code: conf.officerCode }, (await signUp()).token)).status).toBeGreaterThanOrEqual(400);

    const citizen = await signUp();
    const service = await registeredService();
    const granted = await call(
      'POST',
      '/v1/me/consents',
      {
        serviceId: service.id,
        purposes: [(service.purposes as string[])[0]],
        dataCategories: [(service.categories as string[])[0]],
        validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        notice: { language: 'en', version: 'conf-1', text: 'I agree.' },
      },
      citizen.token,
    );
    const consentId = granted.consent.id as string;
    await call('POST', `/v1/me/consents/${consentId}/withdraw`, undefined, citizen.token);

    const page = await call('GET', `/v1/officer/events?consentId=${consentId}&order=asc`, undefined, officer.token);
    const events = page.items as Json[];
    expect(events.map((e) => e.type)).toEqual(['consent.granted', 'consent.withdrawn']);
    expect(events.every((e) => e.consentId === consentId)).toBe(true);
    // Pages follow the cursor.
    const p1 = await call('GET', `/v1/officer/events?consentId=${consentId}&order=asc&limit=1`, undefined, officer.token);
    expect((p1.items as Json[]).map((e) => e.id)).toEqual([events[0]!.id]);
    const p2 = await call('GET', `/v1/officer/events?consentId=${consentId}&order=asc&limit=1&cursor=${encodeURIComponent(p1.nextCursor as string)}`, undefined, officer.token);
    expect((p2.items as Json[]).map((e) => e.id)).toEqual([events[1]!.id]);

    const vkey = (await send('GET', '/v1/log/key')).text.trim();
    const integrated = await eventually('the events integrated and a checkpoint covering them', async () => {
      const again = (await call('GET', `/v1/officer/events?consentId=${consentId}&order=asc`, undefined, officer.token)).items as Json[];
      if (!again.every((e) => e.leafIndex !== null && e.leafIndex !== undefined)) return undefined;
      const cp = await send('GET', '/v1/log/checkpoint');
      if (cp.status !== 200) return undefined;
      const checkpoint = await verifyCheckpoint(cp.text, [vkey]);
      const maxLeaf = Math.max(...again.map((e) => Number(e.leafIndex)));
      return checkpoint.size > BigInt(maxLeaf) ? { events: again, checkpoint, note: cp.text } : undefined;
    });
    for (const e of integrated.events) {
      const proof = await call('GET', `/v1/log/proof/inclusion?index=${e.leafIndex}&treeSize=${integrated.checkpoint.size}`);
      expect(await verifyInclusionProof(proof as never, integrated.checkpoint)).toBe(BigInt(e.leafIndex));
      const byId = await call('GET', `/v1/log/proof/inclusion?eventId=${e.id}&treeSize=${integrated.checkpoint.size}`);
      expect(byId).toEqual(proof);
      const otherLeaf = Buffer.alloc(32, 7).toString('base64');
      await expect(verifyInclusionProof({ ...(proof as never as object), leafHash: otherLeaf } as never, integrated.checkpoint)).rejects.toThrow();
    }
    // Later checkpoints extend this one (consistency proof).
    const svc = await serviceToken();
    const later = await eventually('a later checkpoint', async () => {
      await call('POST', '/v1/check', { subjectRef: 'nobody', purpose: (service.purposes as string[])[0], dataCategory: (service.categories as string[])[0] }, svc); // a new event
      const cp = await verifyCheckpoint((await send('GET', '/v1/log/checkpoint')).text, [vkey]);
      return cp.size > integrated.checkpoint.size ? cp : undefined;
    });
    const consistency = await call('GET', `/v1/log/proof/consistency?from=${integrated.checkpoint.size}&to=${later.size}`);
    await verifyConsistencyProof(consistency as never, integrated.checkpoint, later);
  });
});
