import { z } from '@hono/zod-openapi';
import { legalKinds, representationActions, representationKinds, representationStatuses } from '../../domain/representation.js';
import { Timestamp, Uuid } from '../../web/schema-fields.js';

const Person = z.object({ id: Uuid, displayName: z.string().nullable(), managed: z.boolean().openapi({ description: 'A profile managed by representatives (no account of its own).' }) });

export const Representation = z
  .object({
    id: Uuid,
    kind: z.enum(representationKinds),
    status: z.enum(representationStatuses),
    revision: z.number().int(),
    represented: Person,
    representative: Person,
    services: z.array(Uuid).nullable().openapi({ description: 'The services covered; null: every service.' }),
    actions: z.array(z.enum(representationActions)),
    assistance: z.boolean().openapi({ description: 'A support measure of assistance: the person and the supporter both sign.' }),
    validFrom: z.string(),
    validUntil: z.string().nullable().openapi({ description: "The end date (a minor's 14th birthday at the latest)." }),
    createdAt: z.string(),
    endedAt: z.string().nullable(),
    endReason: z.string().nullable(),
    evidenceRef: z.string().nullable().optional().openapi({ description: 'Officers only: where the evidence is.' }),
    birthDate: z.string().nullable().optional().openapi({ description: "Officers only: the minor's date of birth." }),
    recordedBy: Uuid.nullable().optional(),
  })
  .openapi('Representation');

export const MyRepresentation = Representation.extend({
  role: z.enum(['representative', 'represented']).openapi({ description: 'My side of the relationship.' }),
  inForce: z.boolean().openapi({ description: 'True when it allows acting now (active, within its dates).' }),
  deniedReason: z.string().nullable().openapi({ description: 'Why it does not allow acting now, when it does not.' }),
}).openapi('MyRepresentation');

export const MyRepresentationList = z.object({ items: z.array(MyRepresentation) }).openapi('MyRepresentationList');

export const RepresentationDetail = Representation.extend({
  revisions: z.array(z.object({ revision: z.number().int(), event: z.string(), status: z.string(), actorType: z.string(), createdAt: z.string() })),
}).openapi('RepresentationDetail');

export const RepresentationPage = z.object({ items: z.array(Representation), nextCursor: z.string().nullable() }).openapi('RepresentationPage');

const BirthDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date, YYYY-MM-DD').openapi({ example: '2016-03-09' });

export const RecordRepresentationBody = z
  .object({
    kind: z.enum(legalKinds),
    representativeId: Uuid.openapi({ description: "The representative's account (they have a passkey)." }),
    represented: z
      .union([z.object({ citizenId: Uuid }).strict(), z.object({ displayName: z.string().trim().min(1).max(100) }).strict()])
      .openapi({ description: 'An existing account, or a new profile managed by representatives (a person without an account).' }),
    birthDate: BirthDate.optional().openapi({ description: "Required for a minor: the relationship ends on the 14th birthday (LOPDGDD Art. 7.1)." }),
    evidenceRef: z.string().trim().min(1).max(200).openapi({ description: 'Where the checked evidence is (court decision, family book entry): a reference, never the document.' }),
    validUntil: Timestamp.optional(),
    assistance: z.boolean().optional(),
  })
  .strict()
  .openapi('RecordRepresentation');

export const AuthoriseBody = z
  .object({
    representativeId: Uuid,
    services: z.union([z.literal('all'), z.array(Uuid).min(1).max(100)]),
    actions: z.array(z.enum(representationActions)).min(1),
    validUntil: Timestamp,
  })
  .strict()
  .openapi('AuthoriseRepresentative');

export const EndBody = z.object({ reason: z.string().trim().min(1).max(500) }).strict().openapi('EndRepresentation');

export const AcceptanceCeremony = z
  .object({
    ceremonyId: Uuid,
    options: z.record(z.string(), z.unknown()),
    terms: z.record(z.string(), z.unknown()).openapi({ description: 'What is accepted; the challenge is SHA-256(nonce ‖ termsHash).' }),
    termsHash: z.string(),
    nonce: z.string(),
  })
  .openapi('AcceptanceCeremony');

export const RepresentationIdParam = z.object({ id: Uuid.openapi({ param: { name: 'id', in: 'path' } }) });

export const OfficerRepresentationQuery = z.object({
  status: z.enum(representationStatuses).optional().openapi({ param: { name: 'status', in: 'query' } }),
  kind: z.enum(representationKinds).optional().openapi({ param: { name: 'kind', in: 'query' } }),
  citizenId: Uuid.optional().openapi({ param: { name: 'citizenId', in: 'query' } }),
  endingWithinDays: z.coerce.number().int().min(0).max(3650).optional().openapi({ param: { name: 'endingWithinDays', in: 'query' }, description: 'Only active relationships ending within N days, soonest first.' }),
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: Uuid.optional().openapi({ param: { name: 'cursor', in: 'query' } }),
});
