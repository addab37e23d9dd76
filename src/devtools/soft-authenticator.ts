/**
 * A software WebAuthn authenticator (plus the client part of a browser) that produces
 * genuine registration and authentication responses: real key pairs, real CBOR, real
 * signatures. Used by the tests and by `npm run demo`; WebCrypto only, so it runs anywhere.
 *
 * It behaves like a platform passkey provider: discoverable credentials, user presence and
 * user verification always asserted, attestation format "none" (WebAuthn L3 §8.7).
 */
import { type CBORType, encodeCBOR } from '@levischuck/tiny-cbor';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { b64url, concat, fromB64, sha256, utf8 } from '@permis/sdk/encoding';
import { type Random, systemRandom } from '../domain/runtime.js';

/** Credential key types the soft authenticator can create. */
export type SoftAlg = 'ES256' | 'Ed25519';

/** How to build a soft authenticator. */
export interface SoftAuthenticatorOptions {
  /** Key type of the credentials it creates. */
  alg: SoftAlg;
  /** The web origin the simulated browser reports in clientDataJSON, e.g. `https://permis.example`. */
  origin: string;
  /** The relying-party id whose SHA-256 goes into authenticatorData. */
  rpId: string;
  /** Whether credentials are backup-eligible and backed up (synced passkeys); default true. */
  backedUp?: boolean;
  /** `increment` (default) bumps the signature counter on every use; `zero` always reports 0. */
  signCount?: 'increment' | 'zero';
  /** Source of randomness for credential ids; default WebCrypto. */
  random?: Random;
}

/** Per-call overrides, mostly for tests of the relying party's checks. */
export interface CeremonyOverrides {
  /** Origin to report instead of the configured one. */
  origin?: string;
  /** RP id to hash into authenticatorData instead of the configured one. */
  rpId?: string;
  /** Use this stored credential (base64url id) rather than picking one. */
  credentialId?: string;
  /** Clear the user-verified flag (UV) in authenticatorData. */
  withoutUserVerification?: boolean;
}

/** A credential held by the authenticator. */
export interface SoftCredential {
  /** Credential id, base64url. */
  id: string;
  rpId: string;
  /** The user handle given at registration (base64url), returned as `userHandle`. */
  userHandle: string;
  alg: SoftAlg;
  keyPair: CryptoKeyPair;
  signCount: number;
}

/** The software authenticator. */
export interface SoftAuthenticator {
  readonly alg: SoftAlg;
  readonly origin: string;
  readonly rpId: string;
  /** Credentials created so far, oldest first. */
  readonly credentials: readonly SoftCredential[];
  /** Creates a credential as `navigator.credentials.create()` would; returns the JSON to send. */
  register(options: PublicKeyCredentialCreationOptionsJSON, overrides?: CeremonyOverrides): Promise<RegistrationResponseJSON>;
  /** Asserts with a held credential as `navigator.credentials.get()` would. */
  authenticate(options: PublicKeyCredentialRequestOptionsJSON, overrides?: CeremonyOverrides): Promise<AuthenticationResponseJSON>;
  /** Asserts over an arbitrary challenge (bytes, or base64url text), e.g. one committing to terms. */
  authenticateChallenge(challenge: Uint8Array | string, overrides?: CeremonyOverrides): Promise<AuthenticationResponseJSON>;
  /** A copy holding the same keys and counters: using both simulates a cloned authenticator. */
  clone(): SoftAuthenticator;
}

// WebAuthn L3 §6.1 authenticator data flags.
const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

// COSE (RFC 9052/9053) labels and values.
const COSE_ALG = { ES256: -7, Ed25519: -8 } as const;


/** A thrown DOMException-like error, named as a browser would name it. */
class CeremonyError extends Error {
  constructor(name: 'NotAllowedError' | 'InvalidStateError' | 'NotSupportedError', message: string) {
    super(message);
    this.name = name;
  }
}

const toU8 = (buf: ArrayBuffer): Uint8Array => new Uint8Array(buf);

async function generateKeyPair(alg: SoftAlg): Promise<CryptoKeyPair> {
  const params = alg === 'ES256' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'Ed25519' };
  return (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
}

/** COSE_Key of the public key: EC2 P-256 (RFC 9053 §7.1.1) or OKP Ed25519 (RFC 9053 §7.2). */
async function coseKey(alg: SoftAlg, publicKey: CryptoKey): Promise<Uint8Array> {
  const raw = toU8(await crypto.subtle.exportKey('raw', publicKey));
  const map =
    alg === 'ES256'
      ? new Map<number, number | Uint8Array>([
          [1, 2], // kty: EC2
          [3, COSE_ALG.ES256],
          [-1, 1], // crv: P-256
          [-2, raw.slice(1, 33)], // x (raw is 0x04 ‖ x ‖ y)
          [-3, raw.slice(33, 65)], // y
        ])
      : new Map<number, number | Uint8Array>([
          [1, 1], // kty: OKP
          [3, COSE_ALG.Ed25519],
          [-1, 6], // crv: Ed25519
          [-2, raw], // x
        ]);
  return encodeCBOR(map);
}

/** Minimal DER INTEGER for an unsigned big-endian value (X.690 §8.3). */
function derInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  let v = bytes.subarray(i);
  if (v[0]! & 0x80) v = concat(new Uint8Array([0]), v);
  return concat(new Uint8Array([0x02, v.length]), v);
}

/** WebAuthn L3 §6.5.6: ES256 signatures are ASN.1 DER `Ecdsa-Sig-Value`, not raw r ‖ s. */
function p1363ToDer(sig: Uint8Array): Uint8Array {
  const body = concat(derInteger(sig.subarray(0, 32)), derInteger(sig.subarray(32, 64)));
  return concat(new Uint8Array([0x30, body.length]), body);
}

async function sign(cred: SoftCredential, data: Uint8Array): Promise<Uint8Array> {
  if (cred.alg === 'ES256') {
    const raw = toU8(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, cred.keyPair.privateKey, data as BufferSource));
    return p1363ToDer(raw);
  }
  return toU8(await crypto.subtle.sign({ name: 'Ed25519' }, cred.keyPair.privateKey, data as BufferSource));
}

const u32 = (n: number): Uint8Array => new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);

/** Builds a software authenticator; see {@link SoftAuthenticator}. */
export function createSoftAuthenticator(opts: SoftAuthenticatorOptions): SoftAuthenticator {
  return build(opts, []);
}

function build(opts: SoftAuthenticatorOptions, credentials: SoftCredential[]): SoftAuthenticator {
  const random = opts.random ?? systemRandom;
  const backedUp = opts.backedUp ?? true;
  const counting = (opts.signCount ?? 'increment') === 'increment';

  const flags = (extra: number, o: CeremonyOverrides): number =>
    FLAG_UP | (o.withoutUserVerification ? 0 : FLAG_UV) | (backedUp ? FLAG_BE | FLAG_BS : 0) | extra;

  // WebAuthn L3 §5.8.1: the client data the browser builds and the authenticator hashes.
  const clientData = (type: 'webauthn.create' | 'webauthn.get', challenge: string, o: CeremonyOverrides): Uint8Array =>
    utf8(JSON.stringify({ type, challenge, origin: o.origin ?? opts.origin, crossOrigin: false }));

  const pick = (rpId: string, allow: readonly { id: string }[] | undefined, o: CeremonyOverrides): SoftCredential => {
    const mine = credentials.filter((c) => c.rpId === rpId);
    const wanted = o.credentialId ?? undefined;
    const allowed = allow && allow.length > 0 ? mine.filter((c) => allow.some((a) => a.id === c.id)) : mine;
    const found = wanted ? allowed.find((c) => c.id === wanted) : allowed[allowed.length - 1];
    if (!found) throw new CeremonyError('NotAllowedError', 'No matching credential on this authenticator.');
    return found;
  };

  const assert = async (
    challenge: string,
    rpId: string,
    allow: readonly { id: string }[] | undefined,
    o: CeremonyOverrides,
  ): Promise<AuthenticationResponseJSON> => {
    const cred = pick(rpId, allow, o);
    if (counting) cred.signCount += 1;
    // WebAuthn L3 §6.1: rpIdHash ‖ flags ‖ signCount; no attested credential data on assertions.
    const authData = concat(await sha256(o.rpId ?? rpId), new Uint8Array([flags(0, o)]), u32(counting ? cred.signCount : 0));
    const cdj = clientData('webauthn.get', challenge, o);
    // WebAuthn L3 §6.3.3 step 11: sign authenticatorData ‖ SHA-256(clientDataJSON).
    const signature = await sign(cred, concat(authData, await sha256(cdj)));
    return {
      id: cred.id,
      rawId: cred.id,
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(cdj),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: cred.userHandle,
      },
    };
  };

  return {
    alg: opts.alg,
    origin: opts.origin,
    rpId: opts.rpId,
    get credentials() {
      return credentials;
    },

    async register(options, o = {}) {
      const rpId = options.rp.id ?? opts.rpId;
      if (!options.pubKeyCredParams.some((p) => p.type === 'public-key' && p.alg === COSE_ALG[opts.alg])) {
        throw new CeremonyError('NotSupportedError', `The relying party does not accept ${opts.alg}.`);
      }
      // WebAuthn L3 §6.3.2 step 3: refuse if a credential in excludeCredentials is held here.
      if (options.excludeCredentials?.some((x) => credentials.some((c) => c.id === x.id && c.rpId === rpId))) {
        throw new CeremonyError('InvalidStateError', 'This authenticator already holds a credential for the account.');
      }
      const keyPair = await generateKeyPair(opts.alg);
      const credId = random.bytes(32);
      const id = b64url(credId);
      const publicKey = await coseKey(opts.alg, keyPair.publicKey);
      // WebAuthn L3 §6.5.1: attestedCredentialData = aaguid ‖ credentialIdLength ‖ credentialId ‖ credentialPublicKey.
      const attested = concat(new Uint8Array(16), new Uint8Array([credId.length >> 8, credId.length & 0xff]), credId, publicKey);
      const authData = concat(await sha256(o.rpId ?? rpId), new Uint8Array([flags(FLAG_AT, o)]), u32(0), attested);
      // WebAuthn L3 §8.7: the "none" attestation statement is an empty map.
      const attestationObject = encodeCBOR(
        new Map<string, CBORType>([
          ['fmt', 'none'],
          ['attStmt', new Map<string, CBORType>()],
          ['authData', authData],
        ]),
      );
      const cdj = clientData('webauthn.create', options.challenge, o);
      // WebAuthn L3 §6.3.2: a discoverable credential replaces any other for the same RP and user handle.
      for (let i = credentials.length - 1; i >= 0; i--) {
        if (credentials[i]!.rpId === rpId && credentials[i]!.userHandle === options.user.id) credentials.splice(i, 1);
      }
      credentials.push({ id, rpId, userHandle: options.user.id, alg: opts.alg, keyPair, signCount: 0 });
      return {
        id,
        rawId: id,
        type: 'public-key',
        authenticatorAttachment: 'platform',
        clientExtensionResults: {},
        response: {
          clientDataJSON: b64url(cdj),
          attestationObject: b64url(attestationObject),
          authenticatorData: b64url(authData),
          transports: ['internal', 'hybrid'],
          publicKeyAlgorithm: COSE_ALG[opts.alg],
          publicKey: b64url(toU8(await crypto.subtle.exportKey('spki', keyPair.publicKey))),
        },
      };
    },

    authenticate(options, o = {}) {
      return assert(options.challenge, options.rpId ?? opts.rpId, options.allowCredentials, o);
    },

    authenticateChallenge(challenge, o = {}) {
      const text = typeof challenge === 'string' ? b64url(fromB64(challenge)) : b64url(challenge);
      return assert(text, opts.rpId, undefined, o);
    },

    clone() {
      return build(
        opts,
        credentials.map((c) => ({ ...c })),
      );
    },
  };
}
