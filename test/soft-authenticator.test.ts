/** The software authenticator's output is genuine WebAuthn, checked with simplewebauthn directly. */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { decodeAttestationObject, decodeCredentialPublicKey, parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import { createSoftAuthenticator } from '../src/devtools/soft-authenticator.js';
import { fromB64 } from '@permis/sdk/encoding';

const origin = 'https://permis.example';
const rpID = 'permis.example';

describe.each([
  ['ES256', -7],
  ['Ed25519', -8],
] as const)('%s', (alg, coseAlg) => {
  it('registers with a "none" attestation and a COSE key, then signs many verifiable assertions', async () => {
    const a = createSoftAuthenticator({ alg, origin, rpId: rpID });
    const options = await generateRegistrationOptions({ rpName: 'P', rpID, userName: 'u', supportedAlgorithmIDs: [-8, -7, -257] });
    const reg = await a.register(options);
    const att = decodeAttestationObject(fromB64(reg.response.attestationObject) as Uint8Array<ArrayBuffer>);
    expect(att.get('fmt')).toBe('none');
    expect(att.get('attStmt').size).toBe(0);
    const auth = parseAuthenticatorData(att.get('authData'));
    expect(auth.flags).toMatchObject({ up: true, uv: true, at: true, be: true, bs: true });
    expect(Array.from(auth.aaguid!)).toEqual(new Array(16).fill(0));
    expect(decodeCredentialPublicKey(auth.credentialPublicKey!).get(3)).toBe(coseAlg);

    const verified = await verifyRegistrationResponse({ response: reg, expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: rpID });
    expect(verified.verified).toBe(true);
    const credential = verified.registrationInfo!.credential;

    // Enough signatures that ES256 hits r or s with a high bit or leading zero (DER edge cases).
    for (let i = 1; i <= 64; i++) {
      const ao = await generateAuthenticationOptions({ rpID, userVerification: 'required' });
      const res = await a.authenticate(ao);
      expect(res.response.userHandle).toBe(options.user.id);
      const v = await verifyAuthenticationResponse({ response: res, expectedChallenge: ao.challenge, expectedOrigin: origin, expectedRPID: rpID, credential });
      expect(v.verified).toBe(true);
      expect(v.authenticationInfo.newCounter).toBe(i);
      credential.counter = v.authenticationInfo.newCounter;
    }
  });

  it('signs an arbitrary challenge', async () => {
    const a = createSoftAuthenticator({ alg, origin, rpId: rpID });
    const reg = await a.register(await generateRegistrationOptions({ rpName: 'P', rpID, userName: 'u' }));
    const challenge = new Uint8Array(32).map((_, i) => i);
    const res = await a.authenticateChallenge(challenge);
    const v = await verifyAuthenticationResponse({
      response: res,
      expectedChallenge: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8',
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential: { id: reg.id, publicKey: await publicKeyOf(reg), counter: 0 },
    });
    expect(v.verified).toBe(true);
  });
});

async function publicKeyOf(reg: Awaited<ReturnType<ReturnType<typeof createSoftAuthenticator>['register']>>) {
  const att = decodeAttestationObject(fromB64(reg.response.attestationObject) as Uint8Array<ArrayBuffer>);
  return parseAuthenticatorData(att.get('authData')).credentialPublicKey! as Uint8Array<ArrayBuffer>;
}
