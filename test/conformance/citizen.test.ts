/**
 * Conformance: citizens over HTTP — passkey sign-up and sign-in, and a direct consent granted,
 * narrowed, paused, resumed and withdrawn, every receipt verified with the published JWKS.
 */
import { verifyReceiptChain } from '@permis/sdk';
import { describe, expect, it } from 'vitest';
import { base, call, conf, registeredService, send, signIn, signUp } from './support/client.js';

describe(`citizens (${conf.target})`, () => {
  it('serves readiness, the JWKS and the catalogue', async () => {
    expect((await send('GET', '/readyz')).status).toBe(200);
    const jwks = await call('GET', '/.well-known/jwks.json');
    expect((jwks.keys as { alg?: string }[]).some((k) => k.alg === 'EdDSA')).toBe(true);
    expect((await send('GET', '/v1/catalogue')).text).toContain('energy-poverty-support');
  });

  it('signs up with a passkey and signs in again with it', async () => {
    const c = await signUp('Núria');
    const me = await call('GET', '/v1/me', undefined, c.token);
    expect(me.id ?? me.citizen?.id).toBe(c.id);
    const again = await signIn(c.authenticator);
    expect(again.id).toBe(c.id);
    expect(again.token).not.toBe(c.token);
    const sessions = await call('GET', '/v1/me/sessions', undefined, again.token);
    expect((sessions.items as unknown[]).length).toBeGreaterThanOrEqual(2);
    expect((await send('GET', '/v1/me', undefined, 'not-a-session')).status).toBe(401);
  });

  it('grants, narrows, pauses, resumes and withdraws a consent; the receipts verify with the JWKS', async () => {
    const c = await signUp();
    const service = await registeredService();
    const categories = (service.categories as string[]).slice(0, 2);
    const granted = await call(
      'POST',
      '/v1/me/consents',
      {
        serviceId: service.id,
        purposes: [(service.purposes as string[])[0]],
        dataCategories: categories,
        validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        notice: { language: 'ca', version: 'conf-1', text: `Autoritzo ${conf.clientId} a tractar ${categories.join(', ')}.` },
      },
      c.token,
    );
    const id = granted.consent.id as string;
    expect(granted.consent.status).toBe('active');
    await call('POST', `/v1/me/consents/${id}/narrow`, { dataCategories: [categories[0]] }, c.token);
    await call('POST', `/v1/me/consents/${id}/pause`, undefined, c.token);
    expect(JSON.stringify(await call('GET', `/v1/me/consents/${id}`, undefined, c.token))).toContain('"paused"');
    await call('POST', `/v1/me/consents/${id}/resume`, undefined, c.token);
    await call('POST', `/v1/me/consents/${id}/withdraw`, { reason: 'conformance' }, c.token);
    expect(JSON.stringify(await call('GET', `/v1/me/consents/${id}`, undefined, c.token))).toContain('"withdrawn"');
    // A withdrawn consent cannot be resumed.
    expect((await send('POST', `/v1/me/consents/${id}/resume`, undefined, c.token)).status).toBe(409);

    const jwks = await call('GET', '/.well-known/jwks.json');
    const receipts = (await call('GET', `/v1/me/consents/${id}/receipts`, undefined, c.token)).items as { jws: string }[];
    const verified = await verifyReceiptChain(receipts.map((r) => r.jws), jwks as { keys: [] }, { issuer: base });
    expect(verified.map((v) => v.claims.event)).toEqual(['granted', 'narrowed', 'paused', 'resumed', 'withdrawn']);
    expect(verified.map((v) => v.claims.status)).toEqual(['active', 'active', 'paused', 'active', 'withdrawn']);
    expect(verified[1]!.claims.terms.dataCategories).toEqual([categories[0]]);
    // A receipt altered by one byte does not verify.
    const jws = receipts[0]!.jws;
    const tampered = `${jws.slice(0, -2)}${jws.at(-2) === 'A' ? 'B' : 'A'}${jws.at(-1)}`;
    await expect(verifyReceiptChain([tampered], jwks as { keys: [] }, { issuer: base })).rejects.toThrow();
  });
});
