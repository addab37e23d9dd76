/**
 * The OAuth 2.0 client credentials grant (RFC 6749 §4.4) for city services, authenticated
 * with `private_key_jwt` (RFC 7523 §2.2) against the service's registered JWKS. Issues
 * RFC 9068 access tokens. Every refusal is an RFC 6749 §5.2 OAuthError.
 */
import { issueAccessToken } from '../crypto/access-token.js';
import {
  ASSERTION_CLOCK_SKEW_SECONDS,
  claimedClientId,
  JWT_BEARER_ASSERTION_TYPE,
  verifyClientAssertion,
} from '../crypto/client-assertion.js';
import { uuidv7 } from '../domain/ids.js';
import { invalidClient, OAuthError } from '../domain/oauth-error.js';
import { parseScopeParam } from '../domain/service-scopes.js';
import { consumeAssertionJti, purgeExpiredJtis } from '../storage/assertion-jtis.js';
import { insertAuditEvent } from '../storage/audit-repo.js';
import { getServiceByClientId } from '../storage/services-repo.js';
import type { AppDeps } from '../core/deps.js';

/** The path of the token endpoint. */
export const TOKEN_ENDPOINT_PATH = '/v1/oauth/token';

/** The parameters of a token request (RFC 6749 §4.4.2, RFC 7521 §4.2); empty means omitted. */
export interface TokenRequest {
  grant_type?: string | undefined;
  client_assertion_type?: string | undefined;
  client_assertion?: string | undefined;
  client_id?: string | undefined;
  scope?: string | undefined;
}

/** RFC 6749 §5.1 successful response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** One in this many token requests also purges every client's expired jtis. */
const GLOBAL_PURGE_ONE_IN = 64;

/**
 * Handles a client credentials token request: checks the grant type, authenticates the
 * service by its client assertion (signature with a registered key, `aud`, `exp`, a `jti`
 * never seen before while unexpired), requires the service to be active, grants the
 * requested scopes (default: all) and returns a signed access token. Records the jti and a
 * `service.token_issued` audit event in one transaction. Throws OAuthError on refusal.
 */
export async function clientCredentialsToken(deps: AppDeps, req: TokenRequest, requestId?: string): Promise<TokenResponse> {
  // RFC 6749 §3.2: parameters sent without a value are treated as omitted.
  const p = (v: string | undefined) => (v === '' ? undefined : v);
  const grantType = p(req.grant_type);
  const assertionType = p(req.client_assertion_type);
  const assertion = p(req.client_assertion);
  const clientIdParam = p(req.client_id);

  if (grantType === undefined) throw new OAuthError('invalid_request', 'The grant_type parameter is required.');
  if (grantType !== 'client_credentials') {
    throw new OAuthError('unsupported_grant_type', 'Only the client_credentials grant type is supported.');
  }
  // RFC 6749 §5.2 invalid_client: "no client authentication included, or unsupported authentication method".
  if (assertionType === undefined && assertion === undefined) {
    throw invalidClient('Authenticate the client with a JWT client assertion (private_key_jwt, RFC 7523).');
  }
  if (assertionType === undefined || assertion === undefined) {
    throw new OAuthError('invalid_request', 'client_assertion and client_assertion_type go together.');
  }
  if (assertionType !== JWT_BEARER_ASSERTION_TYPE) {
    throw invalidClient(`The client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}.`);
  }

  const now = deps.clock.now();
  const clientId = claimedClientId(assertion);
  // RFC 7521 §4.2: a client_id parameter, if present, must name the same client.
  if (clientIdParam !== undefined && clientIdParam !== clientId) {
    throw invalidClient('The client_id parameter does not match the client assertion issuer.');
  }
  const service = await getServiceByClientId(deps.db, clientId);
  if (!service) throw invalidClient('Unknown client.');
  const publicUrl = deps.config.publicUrl;
  const verified = await verifyClientAssertion(assertion, {
    jwks: service.jwks,
    clientId,
    audiences: [`${publicUrl}${TOKEN_ENDPOINT_PATH}`, publicUrl],
    now,
  });
  if (service.status !== 'active') throw invalidClient('The client is suspended.');

  const scope = parseScopeParam(p(req.scope));
  if (!scope.ok) {
    throw new OAuthError(
      'invalid_scope',
      scope.problem.kind === 'malformed'
        ? 'The scope parameter must be scope tokens separated by single spaces.'
        : 'Unknown scope. Known scopes: consents:request consents:check consents:read consents:revoke webhooks.',
    );
  }

  // RFC 7523 §3 item 7: the jti is single-use for as long as the assertion could be accepted.
  const jtiExpiresAt = new Date((verified.exp + ASSERTION_CLOCK_SKEW_SECONDS) * 1000);
  const issued = await deps.db.transaction(async (tx) => {
    await purgeExpiredJtis(tx, now, clientId);
    if (!(await consumeAssertionJti(tx, clientId, verified.jti, jtiExpiresAt, now))) {
      throw invalidClient('The client assertion was already used (jti replay).');
    }
    const token = await issueAccessToken(
      { keys: deps.keys, clock: deps.clock, random: deps.random, publicUrl },
      { serviceId: service.id, clientId, scopes: scope.scopes },
    );
    await insertAuditEvent(tx, {
      id: uuidv7(deps.clock, deps.random),
      type: 'service.token_issued',
      actorType: 'service',
      actorId: service.id,
      serviceId: service.id,
      requestId,
      data: { clientId, kid: verified.kid, scope: scope.scopes.join(' '), tokenJti: token.jti, expiresAt: new Date(token.exp * 1000).toISOString() },
      createdAt: now,
    });
    return token;
  });
  if (deps.random.bytes(1)[0]! < 256 / GLOBAL_PURGE_ONE_IN) {
    // Housekeeping only, retried on a later request: a failure must not fail this token.
    await purgeExpiredJtis(deps.db, now).catch((err: unknown) =>
      deps.log?.('warn', 'purging expired client-assertion jtis failed', { message: err instanceof Error ? err.message : String(err) }),
    );
  }
  return { access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn, scope: scope.scopes.join(' ') };
}
