/** Response schemas for the citizen's account, passkeys and sessions. */
import { z } from '@hono/zod-openapi';

/** The citizen's profile. */
export const Citizen = z
  .object({
    id: z.uuid(),
    displayName: z.string(),
    createdAt: z.iso.datetime(),
  })
  .openapi('Citizen');

/** A freshly opened session; the token is shown once. */
export const NewSession = z
  .object({
    token: z.string().openapi({ description: 'Opaque bearer token; also set as the `__Host-permis_session` cookie.' }),
    expiresAt: z.iso.datetime(),
  })
  .openapi('NewSession');

/** Answer of a successful sign-up or sign-in. */
export const SignedIn = z.object({ citizen: Citizen, session: NewSession }).openapi('SignedIn');

/** A registered passkey as its owner sees it. */
export const Passkey = z
  .object({
    id: z.string().openapi({ description: 'Credential id, base64url.' }),
    name: z.string(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    deviceType: z.enum(['singleDevice', 'multiDevice']),
    backedUp: z.boolean(),
    transports: z.array(z.string()),
  })
  .openapi('Passkey');

/** A live session as its owner sees it. */
export const Session = z
  .object({
    id: z.uuid(),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    userAgent: z.string().nullable(),
    current: z.boolean().openapi({ description: 'True for the session making this request.' }),
  })
  .openapi('Session');
