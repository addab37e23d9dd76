import { createRoute, z } from '@hono/zod-openapi';
import { CLIENT_ASSERTION_ALGS } from '../../crypto/client-assertion.js';
import { SERVICE_SCOPES } from '../../domain/service-scopes.js';
import type { AppDeps } from '../../core/deps.js';
import { TOKEN_ENDPOINT_PATH } from '../../oauth/client-credentials.js';
import { newRouter } from '../router.js';

const Metadata = z
  .object({
    issuer: z.string(),
    token_endpoint: z.string(),
    jwks_uri: z.string(),
    grant_types_supported: z.array(z.string()),
    response_types_supported: z.array(z.string()),
    token_endpoint_auth_methods_supported: z.array(z.string()),
    token_endpoint_auth_signing_alg_values_supported: z.array(z.string()),
    scopes_supported: z.array(z.string()),
    service_documentation: z.string(),
  })
  .openapi('AuthorizationServerMetadata', {
    description:
      'RFC 8414 authorization server metadata: where the token endpoint is, how a city service authenticates ' +
      '(private_key_jwt, RFC 7523) and with which algorithms, the scopes, and the JWKS that signs access tokens.',
  });

/** `GET /.well-known/oauth-authorization-server` (RFC 8414 §3), so standard OAuth clients configure themselves. */
export function oauthMetadataRoutes(deps: AppDeps) {
  const r = newRouter();
  const base = deps.config.publicUrl;
  // RFC 8414 §2; the issuer is the public URL, which is also the `iss` of every access token.
  const body = {
    issuer: base,
    token_endpoint: `${base}${TOKEN_ENDPOINT_PATH}`,
    jwks_uri: `${base}/.well-known/jwks.json`,
    grant_types_supported: ['client_credentials'],
    // No authorization endpoint: only the client credentials grant, so no response type (RFC 8414 §2).
    response_types_supported: [] as string[],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
    scopes_supported: [...SERVICE_SCOPES],
    service_documentation: `${base}/docs`,
  };
  r.openapi(
    createRoute({
      method: 'get',
      path: '/.well-known/oauth-authorization-server',
      tags: ['keys'],
      summary: 'OAuth 2.0 authorization server metadata (RFC 8414)',
      responses: { 200: { description: 'The metadata', content: { 'application/json': { schema: Metadata } } } },
    }),
    (c) => {
      c.header('Cache-Control', 'public, max-age=3600');
      return c.json(body, 200);
    },
  );
  return r;
}
