import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from '../router.js';
import type { AppDeps } from '../../core/deps.js';
import { problemResponses } from '../problem.js';

// RFC 8037 §2 OKP public key, as published: no private member is part of the schema.
const PublicJwk = z
  .object({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    x: z.string().openapi({ description: 'The public key, base64url (RFC 8037 §2).' }),
    kid: z.string().openapi({ description: 'Key id: the RFC 7638 thumbprint, unless configured otherwise.' }),
    alg: z.literal('EdDSA'),
    use: z.literal('sig'),
  })
  .strict()
  .openapi('PublicJwk');

const JwkSet = z
  .object({ keys: z.array(PublicJwk) })
  .strict()
  .openapi('JwkSet', {
    description:
      'RFC 7517 §5 JWK Set: the active and retired public keys for receipts, access tokens and log checkpoints. ' +
      'Verify a receipt offline by picking the key whose `kid` is in its JWS header.',
  });

/** `GET /.well-known/jwks.json`: every public signing key, active and retired. */
export function jwksRoutes(deps: AppDeps) {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'get',
      path: '/.well-known/jwks.json',
      tags: ['keys'],
      summary: 'Public signing keys (JWK Set)',
      description: 'Retired keys stay listed so that old receipts keep verifying. Private members are never published.',
      responses: {
        200: { description: 'The JWK Set', content: { 'application/json': { schema: JwkSet } } },
        ...problemResponses(),
      },
    }),
    async (c) => {
      const { keys } = await deps.keys.jwks();
      // Re-pick members so that only public ones can ever leave, whatever the ring returns.
      const body: z.infer<typeof JwkSet> = {
        keys: keys.map((k) => PublicJwk.parse({ kty: k.kty, crv: k.crv, x: k.x, kid: k.kid, alg: k.alg, use: k.use })),
      };
      return c.json(body, 200, {
        'Cache-Control': 'public, max-age=300',
        // Anyone may verify receipts, including from a browser on another origin.
        'Access-Control-Allow-Origin': '*',
      });
    },
  );
  return r;
}
