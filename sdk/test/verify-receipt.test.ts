/**
 * `verifyReceipt` on real receipts from the app: a passkey-approved receipt verifies with the
 * JWKS alone, the citizen's signature included (ES256 and Ed25519); any altered byte of the
 * header, payload or signature, a swapped key, a changed term — even re-signed with the
 * server's own receipt key — is refused with a specific reason.
 */
import { CompactSign } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSoftAuthenticator, type SoftAlg } from '../../src/devtools/soft-authenticator.js';
import { createCitizenClient, createServiceClient, type JwkSet, ReceiptError, type ReceiptFailure, verifyReceipt, computeTermsHash, b64url, fromB64 } from '../src/index.js';
import { contractContext, createServiceWithKey, privateJwkOf, type TestContext } from './support/contract.js';

let t: TestContext;
let jwks: JwkSet;
const receipts: Partial<Record<SoftAlg, string>> = {};
let opts: { issuer: string; origin: string; rpId: string };

beforeAll(async () => {
  const c = await contractContext();
  t = c.t;
  const svc = await createServiceWithKey(t);
  const service = createServiceClient({ ...c.base, clientId: svc.clientId, privateKey: await privateJwkOf(svc) });
  for (const alg of ['ES256', 'Ed25519'] as const) {
    const authenticator = createSoftAuthenticator({ alg, origin: t.config.publicUrl, rpId: t.config.rpId });
    const me = createCitizenClient(c.base);
    await me.signUp('Receipt tester', (o) => authenticator.register(o as never));
    const request = await service.requestConsent({
      subjectRef: `rcpt-${alg}-${Date.now()}`,
      purposes: ['t-benefits'],
      dataCategories: ['t-address', 't-health'],
      durationDays: 60,
      notice: { version: 'r-1', texts: { ca: 'Autoritzo la consulta de la meva adreça i salut.' } },
    });
    receipts[alg] = (await me.approve(request.id, (o) => authenticator.authenticate(o as never))).receipt.jws;
  }
  jwks = (await service.public.jwks()) as JwkSet;
  opts = { issuer: t.config.publicUrl, origin: t.config.publicUrl, rpId: t.config.rpId };
});
afterAll(async () => {
  await t.close();
});

async function reason(p: Promise<unknown>): Promise<ReceiptFailure | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof ReceiptError) return err.reason;
    throw err;
  }
}

const enc = new TextEncoder();
const segments = (jws: string) => jws.split('.') as [string, string, string];

/** Re-signs `claims` with the server's active receipt key, as only the city could. */
async function resign(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const key = await t.deps.keys.active('receipt');
  return new CompactSign(enc.encode(JSON.stringify(claims))).setProtectedHeader({ alg: 'EdDSA', typ: 'consent-receipt+jwt', kid: key.kid, ...header }).sign(key.privateKey);
}
const claimsOf = (jws: string) => JSON.parse(new TextDecoder().decode(fromB64(segments(jws)[1]))) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('verifyReceipt', () => {
  it.each(['ES256', 'Ed25519'] as const)('verifies a passkey-approved receipt (%s) with the JWKS alone', async (alg) => {
    const r = await verifyReceipt(receipts[alg]!, jwks, opts);
    expect(r.claims).toMatchObject({ event: 'granted', status: 'active', revision: 1, predecessorHash: null });
    expect(r.citizenSignature).toMatchObject({ alg: alg === 'ES256' ? 'ES256' : 'EdDSA', origin: t.config.publicUrl });
    expect(r.claims.sensitive).toBe(true);
  });

  it('refuses every altered byte of the header, the payload and the signature', async () => {
    const jws = receipts.ES256!;
    const seen: Record<string, Set<string>> = { header: new Set(), payload: new Set(), signature: new Set() };
    for (const [i, name] of (['header', 'payload', 'signature'] as const).entries()) {
      const bytes = fromB64(segments(jws)[i]!);
      for (let k = 0; k < bytes.length; k++) {
        const altered = bytes.slice();
        altered[k] = altered[k]! ^ 0x01;
        const parts = segments(jws);
        parts[i] = b64url(altered);
        const got = await reason(verifyReceipt(parts.join('.'), jwks, opts));
        expect(got, `${name} byte ${k}`).not.toBe('ok');
        seen[name]!.add(got);
      }
    }
    // A changed header breaks its JSON, its alg, typ or kid, or else the signature over it.
    for (const r of seen.header!) expect(['malformed', 'unsupported_alg', 'wrong_typ', 'missing_kid', 'unknown_kid', 'signature_invalid']).toContain(r);
    expect([...seen.payload!]).toEqual(['signature_invalid']);
    expect([...seen.signature!]).toEqual(['signature_invalid']);
    expect(await reason(verifyReceipt(jws.slice(0, -2), jwks, opts))).not.toBe('ok'); // truncated
    expect(await reason(verifyReceipt(`${jws}.x`, jwks, opts))).toBe('malformed');
  });

  it('refuses a swapped, missing or wrong key', async () => {
    const jws = receipts.ES256!;
    const kid = JSON.parse(new TextDecoder().decode(fromB64(segments(jws)[0]))).kid as string;
    const other = jwks.keys.find((k) => k.kid !== kid)!;
    const swapped = { keys: jwks.keys.map((k) => (k.kid === kid ? { ...other, kid } : k)) };
    expect(await reason(verifyReceipt(jws, swapped, opts))).toBe('signature_invalid');
    expect(await reason(verifyReceipt(jws, { keys: jwks.keys.filter((k) => k.kid !== kid) }, opts))).toBe('unknown_kid');
    expect(await reason(verifyReceipt(jws, { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid }] }, opts))).toBe('bad_key');
    expect(await reason(verifyReceipt(jws, jwks, { ...opts, issuer: 'https://elsewhere.example' }))).toBe('issuer_mismatch');
    expect(await reason(verifyReceipt(jws, jwks, { ...opts, origin: 'https://elsewhere.example' }))).toBe('origin_mismatch');
    expect(await reason(verifyReceipt(jws, jwks, { ...opts, rpId: 'elsewhere.example' }))).toBe('rp_id_mismatch');
    expect(await reason(verifyReceipt(jws, jwks, { ...opts, predecessor: receipts.Ed25519! }))).toBe('predecessor_mismatch');
  });

  it('refuses changed terms even when the server re-signs them', async () => {
    const claims = claimsOf(receipts.ES256!);
    expect(await reason(verifyReceipt(await resign(claims), jwks, opts))).toBe('ok'); // the re-signing itself is sound
    // A term changed, termsHash kept.
    const wider = { ...claims, terms: { ...claims.terms, purposes: ['t-benefits', 't-research'] } };
    expect(await reason(verifyReceipt(await resign(wider), jwks, opts))).toBe('terms_hash_mismatch');
    // … and with termsHash recomputed: the citizen's passkey never signed these terms.
    const forged = { ...wider, termsHash: await computeTermsHash(wider.terms) };
    expect(await reason(verifyReceipt(await resign(forged), jwks, opts))).toBe('challenge_mismatch');
    // The citizen's signature itself altered.
    const sig = claims.citizenSignature;
    const badSig = { ...claims, citizenSignature: { ...sig, signature: b64url(fromB64(sig.signature).map((b, i) => (i === 10 ? b ^ 1 : b))) } };
    expect(await reason(verifyReceipt(await resign(badSig), jwks, opts))).toBe('citizen_signature_invalid');
    const otherKey = claimsOf(receipts.Ed25519!).citizenSignature.publicKeyJwk;
    expect(await reason(verifyReceipt(await resign({ ...claims, citizenSignature: { ...sig, publicKeyJwk: otherKey } }), jwks, opts))).toBe('citizen_signature_invalid');
    // A summary claim contradicting the terms, a missing claim, a wrong typ or alg.
    expect(await reason(verifyReceipt(await resign({ ...claims, validUntil: '2099-01-01T00:00:00.000Z' }), jwks, opts))).toBe('claims_invalid');
    const { consentId: _drop, ...noId } = claims;
    expect(await reason(verifyReceipt(await resign(noId), jwks, opts))).toBe('claims_invalid');
    expect(await reason(verifyReceipt(await resign(claims, { typ: 'JWT' }), jwks, opts))).toBe('wrong_typ');
    expect(await reason(verifyReceipt(`${b64url(enc.encode('{"alg":"none","typ":"consent-receipt+jwt"}'))}.${segments(receipts.ES256!)[1]}.`, jwks, opts))).toBe('malformed');
  });
});
