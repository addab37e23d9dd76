/** Request and response schemas of the admin API (`/v1/admin/…`) and of enrolment. */
import { z } from '@hono/zod-openapi';
import { termKinds } from '../../domain/catalogue.js';
import { termInputSchema, termUpdateSchema } from '../../domain/catalogue-input.js';
import { invitationStatuses, roles } from '../../domain/roles.js';
import { serviceStatuses, serviceInputSchema } from '../../domain/service.js';
import { serviceUpdateSchema } from '../../domain/service-update.js';

const Texts = z.object({ ca: z.string(), es: z.string(), en: z.string() }).strict();

/** A JWK Set as sent: each key is checked in depth by the registry (public keys only, with a kid). */
export const AdminJwkSetInput = z
  .object({ keys: z.array(z.record(z.string(), z.unknown())).max(50) })
  .strict()
  .openapi('AdminJwkSetInput', {
    description:
      'RFC 7517 §5 JWK Set of the public keys the service signs its client assertions with (RFC 7523). ' +
      'Only public OKP (Ed25519), EC (P-256/384/521) or RSA (≥ 2048 bits) signature keys, each with a unique `kid`; at most 10.',
  });

/** A service as admins see it: everything, suspended or not, with timestamps. */
export const AdminService = z
  .object({
    id: z.uuid(),
    clientId: z.string().openapi({ example: 'ajuts-energia' }),
    name: Texts,
    description: Texts,
    controller: z.object({ name: z.string(), dpoContact: z.string(), policyUrl: z.string() }).strict(),
    purposes: z.array(z.string()),
    categories: z.array(z.string()),
    processing: z.array(z.string()),
    jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).strict(),
    status: z.enum(serviceStatuses),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .strict()
  .openapi('AdminService');

/** A page of services for admins. */
export const AdminServiceList = z
  .object({ items: z.array(AdminService), nextCursor: z.string().nullable() })
  .strict()
  .openapi('AdminServiceList');

// The domain schemas are plain zod, built before @hono/zod-openapi may have extended zod:
// fresh objects over their shapes carry `.openapi()` whatever the import order.

/** Registering a service: the format of examples/service.example.json. */
export const AdminServiceCreate = z
  .object({ ...serviceInputSchema.shape, jwks: AdminJwkSetInput.optional() })
  .strict()
  .openapi('AdminServiceCreate', { description: 'A service registration, as `permis services add` takes it (examples/service.example.json).' });

/** Changing a service: any of these fields; the client id and keys have their own operations. */
export const AdminServiceUpdate = z.object(serviceUpdateSchema.shape).strict().openapi('AdminServiceUpdate', {
  description: 'Fields to change, with the same rules as a registration. At least one field.',
});

/** Suspending or activating a service, with an optional reason for the audit log. */
export const AdminStatusChange = z
  .object({ reason: z.string().trim().min(1).max(500).optional().openapi({ description: 'Why; written to the audit log.' }) })
  .strict()
  .openapi('AdminStatusChange');

/** A catalogue term as admins see and change it (all three languages). */
export const AdminCatalogueTerm = z
  .object({
    kind: z.enum(termKinds),
    code: z.string(),
    dpv: z.string().nullable(),
    label: Texts,
    description: Texts,
    sensitive: z.boolean(),
    maxValidityDays: z.number().int().nullable(),
  })
  .strict()
  .openapi('AdminCatalogueTerm');

/** A new catalogue term. */
export const AdminTermCreate = z.object(termInputSchema.shape).strict().openapi('AdminTermCreate', {
  description: '`sensitive` only for data categories (GDPR Art. 9); `maxValidityDays` only for purposes.',
});

/** A change to a catalogue term: texts per language, DPV term, sensitivity, validity cap. */
export const AdminTermUpdate = z.object(termUpdateSchema.shape).strict().openapi('AdminTermUpdate', {
  description: 'Fields to change; `label` and `description` may change one language at a time. At least one field.',
});

/** One role held by an account. */
export const RoleGrantSchema = z
  .object({
    role: z.enum(roles),
    grantedAt: z.iso.datetime(),
    grantedBy: z.string().openapi({ description: "The granting admin's citizen id, or `cli`." }),
  })
  .strict()
  .openapi('RoleGrant');

/** An account with its roles. */
export const RoleHolderSchema = z
  .object({ citizenId: z.uuid(), displayName: z.string(), roles: z.array(RoleGrantSchema) })
  .strict()
  .openapi('RoleHolder');

/** A page of accounts with roles. */
export const RoleHolderList = z
  .object({ items: z.array(RoleHolderSchema), nextCursor: z.string().nullable() })
  .strict()
  .openapi('RoleHolderList');

/** An invitation to take a role (never its code). */
export const InvitationSchema = z
  .object({
    id: z.uuid(),
    role: z.enum(roles),
    status: z.enum(invitationStatuses),
    createdAt: z.iso.datetime(),
    createdBy: z.string().openapi({ description: "The inviting admin's citizen id, or `cli`." }),
    expiresAt: z.iso.datetime(),
    redeemedAt: z.iso.datetime().nullable(),
    redeemedBy: z.uuid().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .strict()
  .openapi('Invitation');

/** A new invitation, with its one-time code (shown only in this answer). */
export const NewInvitation = InvitationSchema.extend({
  code: z.string().openapi({ description: 'The one-time enrolment code; stored only as a hash, shown only now.' }),
  enrolUrl: z.url().openapi({ description: 'A link carrying the code in its fragment, for the portal.' }),
}).openapi('NewInvitation');

/** A page of invitations, newest first. */
export const InvitationList = z
  .object({ items: z.array(InvitationSchema), nextCursor: z.string().nullable() })
  .strict()
  .openapi('InvitationList');

/** Creating an invitation. */
export const InvitationCreate = z.object({ role: z.enum(roles) }).strict().openapi('InvitationCreate');

/** The roles of the signed-in account. */
export const MyRoles = z
  .object({
    roles: z.array(z.enum(roles)).openapi({ description: 'The roles held, by name.' }),
    grants: z.array(RoleGrantSchema).openapi({ description: 'The same roles with when and by whom they were granted.' }),
  })
  .strict()
  .openapi('MyRoles');

/** Redeeming an enrolment code. */
export const EnrolRequest = z
  .object({ code: z.string().min(1).max(128).openapi({ example: 'ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567' }) })
  .strict()
  .openapi('EnrolRequest');

/** The role just granted and every role the account now holds. */
export const EnrolResult = z.object({ role: z.enum(roles), roles: z.array(RoleGrantSchema) }).strict().openapi('EnrolResult');

const limit = z.coerce
  .number()
  .int()
  .min(1)
  .max(100)
  .default(20)
  .openapi({ param: { name: 'limit', in: 'query' }, description: 'Page size, 1 to 100 (default 20).' });
const cursor = z
  .string()
  .min(1)
  .max(64)
  .optional()
  .openapi({ param: { name: 'cursor', in: 'query' }, description: '`nextCursor` of the previous page.' });

/** `?status&limit&cursor` of the admin service list. */
export const AdminServiceListQuery = z
  .object({ status: z.enum(serviceStatuses).optional().openapi({ param: { name: 'status', in: 'query' } }), limit, cursor })
  .strict();

/** `?role&limit&cursor` of the role list. */
export const RoleListQuery = z.object({ role: z.enum(roles).optional().openapi({ param: { name: 'role', in: 'query' } }), limit, cursor }).strict();

/** `?status&limit&cursor` of the invitation list. */
export const InvitationListQuery = z
  .object({ status: z.enum(invitationStatuses).optional().openapi({ param: { name: 'status', in: 'query' } }), limit, cursor })
  .strict();

/** `{id}`: a service id (UUID) or client id. */
export const ServiceRefParams = z
  .object({
    id: z
      .string()
      .max(64)
      .regex(/^[A-Za-z0-9-]+$/, 'must be a service id or client id')
      .openapi({ param: { name: 'id', in: 'path' }, description: 'The service id (UUID) or its clientId.' }),
  })
  .strict();

/** `{kind}/{code}` of a catalogue term. */
export const TermParams = z
  .object({
    kind: z.enum(termKinds).openapi({ param: { name: 'kind', in: 'path' } }),
    code: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,63}$/, 'must be a kebab-case code')
      .openapi({ param: { name: 'code', in: 'path' } }),
  })
  .strict();

/** `{citizenId}/{role}` of a role assignment. */
export const RoleParams = z
  .object({
    citizenId: z.uuid().openapi({ param: { name: 'citizenId', in: 'path' } }),
    role: z.enum(roles).openapi({ param: { name: 'role', in: 'path' } }),
  })
  .strict();

/** `{id}` of an invitation. */
export const InvitationParams = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) }).strict();
