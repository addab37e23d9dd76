import { createRoute, z } from '@hono/zod-openapi';
import type { RegistrationResponseJSON } from '../../crypto/passkeys.js';
import { listPasskeys, type PasskeyRow } from '../../storage/passkeys.js';
import { newRouter } from '../router.js';
import { json } from '../json-content.js';
import { finishAddPasskey, startAddPasskey } from '../../account/add-passkey.js';
import { removeOwnPasskey } from '../../account/remove-passkey.js';
import { renameOwnPasskey } from '../../account/rename-passkey.js';
import type { AppDeps } from '../../core/deps.js';
import { citizenAuth } from '../middleware/citizen-auth.js';
import { problemResponses } from '../problem.js';
import { Passkey } from '../schemas/citizen.js';
import { CeremonyId, CreationOptions, CredentialId, Label, RegistrationResponse } from '../schemas/webauthn.js';

const PasskeyList = z.object({ items: z.array(Passkey) }).openapi('PasskeyList');
const AddPasskeyOptionsRequest = z.object({}).strict().openapi('AddPasskeyOptionsRequest');
const AddPasskeyCeremony = z.object({ ceremonyId: z.uuid(), options: CreationOptions }).openapi('AddPasskeyCeremony');
const AddPasskeyRequest = z
  .object({ ceremonyId: CeremonyId, response: RegistrationResponse, name: Label.optional() })
  .strict()
  .openapi('AddPasskeyRequest');
const RenamePasskeyRequest = z.object({ name: Label }).strict().openapi('RenamePasskeyRequest');
const PasskeyParams = z.object({ id: CredentialId.openapi({ param: { name: 'id', in: 'path' } }) }).strict();

/** The JSON form of a passkey (never its public key bytes or counter). */
export const passkeyJson = (p: PasskeyRow) => ({
  id: p.id,
  name: p.name,
  createdAt: p.createdAt.toISOString(),
  lastUsedAt: p.lastUsedAt ? p.lastUsedAt.toISOString() : null,
  deviceType: p.deviceType,
  backedUp: p.backedUp,
  transports: p.transports,
});


/** The signed-in citizen's passkeys: list, add another, rename, remove (never the last). */
export function mePasskeyRoutes(deps: AppDeps) {
  const r = newRouter();
  const auth = citizenAuth(deps);
  const common = { tags: ['me'], security: [{ session: [] }], middleware: auth };

  r.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/me/passkeys',
      summary: 'List my passkeys',
      responses: { 200: { description: 'My passkeys, oldest first', content: json(PasskeyList) }, ...problemResponses(401) },
    }),
    async (c) => {
      const rows = await listPasskeys(deps.db, c.get('citizen').citizenId);
      return c.json({ items: rows.map(passkeyJson) }, 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/me/passkeys/options',
      summary: 'Start adding a passkey: creation options excluding the passkeys I have',
      request: { body: { required: false, content: json(AddPasskeyOptionsRequest) } },
      responses: { 200: { description: 'Creation options and the ceremony id', content: json(AddPasskeyCeremony) }, ...problemResponses(400, 401) },
    }),
    async (c) => {
      const { ceremonyId, options } = await startAddPasskey(deps, c.get('citizen'));
      return c.json({ ceremonyId, options: options as unknown as Record<string, unknown> }, 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/me/passkeys',
      summary: 'Finish adding a passkey',
      request: { body: { required: true, content: json(AddPasskeyRequest) } },
      responses: { 201: { description: 'The new passkey', content: json(Passkey) }, ...problemResponses(400, 401) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const row = await finishAddPasskey(deps, c.get('citizen'), {
        ceremonyId: body.ceremonyId,
        response: body.response as RegistrationResponseJSON,
        name: body.name,
        requestId: c.get('requestId'),
      });
      return c.json(passkeyJson(row), 201);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'patch',
      path: '/v1/me/passkeys/{id}',
      summary: 'Rename one of my passkeys',
      request: { params: PasskeyParams, body: { required: true, content: json(RenamePasskeyRequest) } },
      responses: { 200: { description: 'The renamed passkey', content: json(Passkey) }, ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      const row = await renameOwnPasskey(deps, c.get('citizen'), c.req.valid('param').id, c.req.valid('json').name, c.get('requestId'));
      return c.json(passkeyJson(row), 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'delete',
      path: '/v1/me/passkeys/{id}',
      summary: 'Remove one of my passkeys (never the last one)',
      request: { params: PasskeyParams },
      responses: { 204: { description: 'Removed' }, ...problemResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      await removeOwnPasskey(deps, c.get('citizen'), c.req.valid('param').id, c.get('requestId'));
      return c.body(null, 204);
    },
  );

  return r;
}
