/**
 * Access tokens for a city service: OAuth 2.0 client credentials with a `private_key_jwt`
 * client assertion (RFC 7523 §2.2, §3), cached and renewed before they expire.
 */
import { importJWK, importPKCS8, type JWK, SignJWT } from 'jose';
import { type Api, expectShape, unwrap } from '../core/api.js';
import { PermisError } from '../core/errors.js';
import type { Authenticator } from '../core/transport.js';

/** RFC 7523 §2.2: the client assertion type. */
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** The token endpoint's path. */
export const TOKEN_PATH = '/v1/oauth/token';

/** A service's credentials. */
export interface ServiceCredentials {
  /** The service's client id. */
  clientId: string;
  /** Its private key: a private JWK (with `kid`), a PKCS#8 PEM string, or a CryptoKey. */
  privateKey: JWK | string | CryptoKey;
  /** The key id registered in the service's JWKS (default: the JWK's `kid`). */
  keyId?: string;
  /** The JWS algorithm (default: from the JWK — EdDSA, ES256/384/512 or RS256; EdDSA for PEM). */
  alg?: string;
  /** Scopes to ask for (default: every scope the service has). */
  scopes?: readonly string[];
  /** The assertion's `aud` (default: the token endpoint URL under `baseUrl`). */
  audience?: string;
  /** Clock in ms (default `Date.now`), for tests. */
  now?: () => number;
}

/** The issued token, as cached. */
export interface CachedToken {
  accessToken: string;
  scope: string;
  /** Epoch ms when it was asked for. */
  issuedAt: number;
  /** Epoch ms when the server says it expires. */
  expiresAt: number;
}

function algOf(jwk: JWK): string {
  if (jwk.alg) return jwk.alg;
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'EC') return ({ 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' } as Record<string, string>)[jwk.crv ?? ''] ?? 'ES256';
  if (jwk.kty === 'RSA') return 'RS256';
  throw new TypeError('cannot tell the algorithm of this key: pass `alg`');
}

/**
 * Gets and caches a service's access tokens. Renews a token when 30 s (or a fifth of its
 * lifetime, if shorter) are left, shares one token request among concurrent callers, and
 * after a 401 fetches a new token once. `tokenApi` must be unauthenticated.
 */
export class ServiceTokenSource implements Authenticator {
  private cached: CachedToken | undefined;
  private inflight: Promise<CachedToken> | undefined;
  private key: Promise<{ key: CryptoKey | Uint8Array; alg: string; kid: string }> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly creds: ServiceCredentials,
    private readonly tokenApi: Api,
  ) {
    if (!creds.clientId) throw new TypeError('clientId is required');
    this.now = creds.now ?? Date.now;
  }

  private signingKey() {
    this.key ??= (async () => {
      const pk = this.creds.privateKey;
      if (typeof pk === 'string') {
        const alg = this.creds.alg ?? 'EdDSA';
        if (!this.creds.keyId) throw new TypeError('keyId is required with a PEM key');
        return { key: await importPKCS8(pk, alg), alg, kid: this.creds.keyId };
      }
      if (typeof CryptoKey !== 'undefined' && pk instanceof CryptoKey) {
        if (!this.creds.keyId || !this.creds.alg) throw new TypeError('keyId and alg are required with a CryptoKey');
        return { key: pk, alg: this.creds.alg, kid: this.creds.keyId };
      }
      const jwk = pk as JWK;
      if (!jwk.d) throw new TypeError('privateKey must be a private JWK (it has no "d")');
      const alg = this.creds.alg ?? algOf(jwk);
      const kid = this.creds.keyId ?? jwk.kid;
      if (!kid) throw new TypeError('the JWK has no kid: pass keyId');
      return { key: await importJWK(jwk, alg), alg, kid };
    })();
    return this.key;
  }

  /** RFC 7523 §3: a single-use assertion, `iss` = `sub` = client id, `aud` = token URL, 60 s. */
  async assertion(): Promise<string> {
    const { key, alg, kid } = await this.signingKey();
    const now = Math.floor(this.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg, kid, typ: 'JWT' })
      .setIssuer(this.creds.clientId)
      .setSubject(this.creds.clientId)
      .setAudience(this.creds.audience ?? `${this.tokenApi.transport.baseUrl}${TOKEN_PATH}`)
      .setJti(crypto.randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(key);
  }

  private async fetchToken(): Promise<CachedToken> {
    const body = {
      grant_type: 'client_credentials',
      client_assertion_type: JWT_BEARER,
      client_assertion: await this.assertion(),
      ...(this.creds.scopes ? { scope: this.creds.scopes.join(' ') } : {}),
    };
    const started = this.now();
    const data = await unwrap(
      this.tokenApi.raw.POST(TOKEN_PATH, {
        body,
        bodySerializer: (b) => new URLSearchParams(b as Record<string, string>).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
    expectShape(typeof data?.access_token === 'string' && Number.isFinite(data.expires_in) && data.expires_in > 0, 'an RFC 6749 token response');
    return { accessToken: data.access_token, scope: data.scope, issuedAt: started, expiresAt: started + data.expires_in * 1000 };
  }

  private fresh(t: CachedToken | undefined): t is CachedToken {
    if (!t) return false;
    const margin = Math.min(30_000, (t.expiresAt - t.issuedAt) / 5);
    return t.expiresAt - this.now() > margin;
  }

  /** A valid token: the cached one, or a new one when it is near expiry. */
  async token(): Promise<CachedToken> {
    if (this.fresh(this.cached)) return this.cached;
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    const t = await this.inflight;
    this.cached = t;
    return t;
  }

  async authorization(): Promise<string> {
    try {
      return `Bearer ${(await this.token()).accessToken}`;
    } catch (err) {
      if (err instanceof PermisError) throw err;
      throw new PermisError('oauth_error', `cannot sign the client assertion: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Forgets the cached token after a 401, so the retry gets a new one. */
  renew(): boolean {
    this.cached = undefined;
    return true;
  }
}
