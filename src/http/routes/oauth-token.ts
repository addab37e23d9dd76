import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ACCESS_TOKEN_TTL_SECONDS } from '../../crypto/access-token.js';
import { JWT_BEARER_ASSERTION_TYPE } from '../../crypto/client-assertion.js';
import { OAuthError, oauthErrorCodes } from '../../domain/oauth-error.js';
import { SERVICE_SCOPES } from '../../domain/service-scopes.js';
import { newRouter } from '../router.js';
import { clientCredentialsToken, TOKEN_ENDPOINT_PATH } from '../../oauth/client-credentials.js';
import type { AppDeps } from '../../core/deps.js';
import type { AppEnv } from '../env.js';
import { problemResponses } from '../problem.js';

const SCOPE_DESCRIPTIONS: Record<(typeof SERVICE_SCOPES)[number], string> = {
  'consents:request': 'Create, read and cancel consent requests.',
  'consents:check': 'Check whether a consent permits a use of personal data.',
  'consents:read': "List and read the service's own consents, and its events feed.",
  'consents:revoke': "Revoke the service's own consents.",
  webhooks: "Manage the service's webhook endpoint and deliveries.",
};

// RFC 6749 §4.4.2 with RFC 7521 §4.2 / RFC 7523 §2.2 client authentication. RFC 6749 §3.2:
// unrecognised parameters MUST be ignored, so this one object is deliberately not strict.
const TokenRequestForm = z
  .object({
    grant_type: z.string().max(100).openapi({ example: 'client_credentials', description: 'Must be `client_credentials`.' }),
    client_assertion_type: z.string().max(200).optional().openapi({ example: JWT_BEARER_ASSERTION_TYPE }),
    client_assertion: z.string().max(8192).optional().openapi({
      description:
        'A JWT signed with a key of the service’s registered JWKS (EdDSA, ES256/384/512, RS256… PS512; never `none` or HMAC), ' +
        'header `kid` naming the key; claims `iss` = `sub` = the client id, `aud` = this endpoint’s URL (or the issuer URL), ' +
        '`exp` at most 5 minutes ahead, and a `jti` that is single-use until the assertion expires (RFC 7523 §3).',
    }),
    client_id: z.string().max(100).optional().openapi({ description: 'Optional; if sent, must equal the assertion’s `iss`.' }),
    scope: z
      .string()
      .max(500)
      .optional()
      .openapi({ example: 'consents:check consents:read', description: `Space-separated subset of: ${SERVICE_SCOPES.join(', ')}. Default: all.` }),
  })
  .loose()
  .openapi('TokenRequest');

const TokenResponse = z
  .object({
    access_token: z.string().openapi({ description: 'An RFC 9068 JWT (`typ` at+jwt, EdDSA), verifiable with `/.well-known/jwks.json`.' }),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int().openapi({ example: ACCESS_TOKEN_TTL_SECONDS }),
    scope: z.string().openapi({ example: SERVICE_SCOPES.join(' ') }),
  })
  .strict()
  .openapi('TokenResponse', { description: 'RFC 6749 §5.1 access token response.' });

const OAuthErrorBody = z
  .object({
    error: z.enum(oauthErrorCodes),
    error_description: z.string().optional(),
  })
  .strict()
  .openapi('OAuthError', { description: 'RFC 6749 §5.2 error response. The token endpoint does not use problem details.' });

const oauthError = (description: string) => ({ description, content: { 'application/json': { schema: OAuthErrorBody } } });

// RFC 6749 §5.1: token responses, successful or not, must not be cached.
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/** RFC 6749 §5.2 error_description: only %x20-21 / %x23-5B / %x5D-7E. */
const safeDescription = (s: string): string => s.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '?').slice(0, 500);

/** Renders an RFC 6749 §5.2 error (401 with a challenge for invalid_client, else 400). */
function oauthErrorResponse(c: Context<AppEnv>, err: OAuthError) {
  const headers: Record<string, string> = { ...NO_STORE };
  // RFC 6749 §5.2: invalid_client is a 401 when the client tried to authenticate; every refusal here is one.
  const status = err.code === 'invalid_client' ? 401 : 400;
  // RFC 9110 §11.6.1: a 401 carries a challenge; it names the only client authentication we accept.
  if (status === 401) headers['WWW-Authenticate'] = `private_key_jwt realm="${safeDescription(c.get('deps').config.publicUrl)}"`;
  const body: z.infer<typeof OAuthErrorBody> = { error: err.code, error_description: safeDescription(err.message) };
  return c.json(body, status, headers);
}

/** `POST /v1/oauth/token`: OAuth 2.0 client credentials with `private_key_jwt` for city services. */
export function oauthTokenRoutes(deps: AppDeps) {
  const r = newRouter();
  // Services call the API with the tokens issued here; routes declare `security: [{ serviceToken: [scope] }]`.
  r.openAPIRegistry.registerComponent('securitySchemes', 'serviceToken', {
    type: 'oauth2',
    description:
      'An RFC 9068 access token for a city service, from the client credentials grant at `/v1/oauth/token` with a ' +
      '`private_key_jwt` client assertion (RFC 7523) signed by a key of the service’s registered JWKS. Send it as ' +
      '`Authorization: Bearer <token>`. A suspended service’s tokens stop working at once.',
    flows: { clientCredentials: { tokenUrl: TOKEN_ENDPOINT_PATH, scopes: SCOPE_DESCRIPTIONS } },
  });

  r.openapi(
    createRoute({
      method: 'post',
      path: TOKEN_ENDPOINT_PATH,
      tags: ['service authentication'],
      security: [],
      summary: 'Get a service access token (client credentials, private_key_jwt)',
      description:
        'RFC 6749 §4.4 client credentials grant; the service authenticates with a JWT client assertion (RFC 7523 §2.2). ' +
        'The body is `application/x-www-form-urlencoded`. Errors are RFC 6749 §5.2 objects (`error`, `error_description`), ' +
        'not problem details: `invalid_request`, `invalid_client` (401), `unsupported_grant_type`, `invalid_scope`. ' +
        'Only a body that is too large, of another media type, or a database outage is answered with a problem.',
      request: { body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: TokenRequestForm } } } },
      responses: {
        200: { description: 'An access token', content: { 'application/json': { schema: TokenResponse } } },
        ...problemResponses(),
        400: oauthError('invalid_request, unsupported_grant_type or invalid_scope (RFC 6749 §5.2).'),
        401: oauthError('invalid_client: the client assertion did not authenticate an active service (RFC 6749 §5.2).'),
        415: { ...problemResponses()[415]!, description: 'The body is not application/x-www-form-urlencoded.' },
      },
    }),
    async (c) => {
      const form = c.req.valid('form');
      try {
        const token = await clientCredentialsToken(deps, form, c.get('requestId'));
        return c.json(token, 200, NO_STORE);
      } catch (err) {
        if (err instanceof OAuthError) return oauthErrorResponse(c, err);
        throw err;
      }
    },
    (result, c) => {
      if (result.success) return;
      // RFC 6749 §3.2: parameters must not repeat; a repeated one arrives as an array.
      const field = result.error.issues[0]?.path[0];
      const name = typeof field === 'string' && /^[a-z_]{1,40}$/.test(field) ? field : 'a parameter';
      return oauthErrorResponse(
        c,
        new OAuthError('invalid_request', `The ${name} parameter is missing, repeated or too long.`),
      );
    },
  );
  return r;
}
