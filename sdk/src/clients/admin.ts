/** The client for admins (a session holding the `admin` role): services, catalogue, roles, invitations. */
import { SessionAuth } from '../auth/session.js';
import { createApi, type RawClient, unwrap } from '../core/api.js';
import type { OperationMap } from '../core/operations.js';
import { Paginated } from '../core/paginate.js';
import type { BodyOf, CallOptions, QueryOf } from '../core/types.js';
import type { SessionClientOptions } from './session-options.js';

/** The operations the admin client wraps (checked against the OpenAPI document). */
export const adminOperations = {
  listServices: 'GET /v1/admin/services',
  createService: 'POST /v1/admin/services',
  getService: 'GET /v1/admin/services/{id}',
  updateService: 'PATCH /v1/admin/services/{id}',
  suspendService: 'POST /v1/admin/services/{id}/suspend',
  activateService: 'POST /v1/admin/services/{id}/activate',
  setServiceJwks: 'PUT /v1/admin/services/{id}/jwks',
  createTerm: 'POST /v1/admin/catalogue',
  updateTerm: 'PATCH /v1/admin/catalogue/{kind}/{code}',
  deleteTerm: 'DELETE /v1/admin/catalogue/{kind}/{code}',
  listRoles: 'GET /v1/admin/roles',
  grantRole: 'PUT /v1/admin/roles/{citizenId}/{role}',
  revokeRole: 'DELETE /v1/admin/roles/{citizenId}/{role}',
  createInvitation: 'POST /v1/admin/invitations',
  listInvitations: 'GET /v1/admin/invitations',
  revokeInvitation: 'DELETE /v1/admin/invitations/{id}',
  listNotificationMail: 'GET /v1/admin/notification-mail',
  getNotificationMail: 'GET /v1/admin/notification-mail/{id}',
  retryNotificationMail: 'POST /v1/admin/notification-mail/{id}/retry',
} as const satisfies OperationMap;

type Kind = 'purpose' | 'category' | 'processing';
type Role = 'admin' | 'officer';

/** Creates a client for an admin's session. */
export function createAdminClient(opts: SessionClientOptions) {
  const { raw } = createApi(opts, new SessionAuth(opts.sessionToken));
  const id = (id: string) => ({ path: { id } });
  return {
    /** The raw typed client (openapi-fetch) with this session. */
    raw: raw as RawClient,
    /** `GET /v1/admin/services`. */
    listServices: (query: QueryOf<'/v1/admin/services', 'get'> = {}, o?: CallOptions) =>
      new Paginated((cursor) => unwrap(raw.GET('/v1/admin/services', { params: { query: { ...query, cursor } }, signal: o?.signal }))),
    /** `POST /v1/admin/services`: registers a service. */
    createService: (body: BodyOf<'/v1/admin/services', 'post'>, o?: CallOptions) => unwrap(raw.POST('/v1/admin/services', { body, signal: o?.signal })),
    /** `GET /v1/admin/services/{id}`. */
    getService: (sid: string, o?: CallOptions) => unwrap(raw.GET('/v1/admin/services/{id}', { params: id(sid), signal: o?.signal })),
    /** `PATCH /v1/admin/services/{id}`. */
    updateService: (sid: string, body: BodyOf<'/v1/admin/services/{id}', 'patch'>, o?: CallOptions) =>
      unwrap(raw.PATCH('/v1/admin/services/{id}', { params: id(sid), body, signal: o?.signal })),
    /** `POST /v1/admin/services/{id}/suspend`: its tokens stop working at once. */
    suspendService: (sid: string, body: BodyOf<'/v1/admin/services/{id}/suspend', 'post'>, o?: CallOptions) =>
      unwrap(raw.POST('/v1/admin/services/{id}/suspend', { params: id(sid), body, signal: o?.signal })),
    /** `POST /v1/admin/services/{id}/activate`. */
    activateService: (sid: string, body: BodyOf<'/v1/admin/services/{id}/activate', 'post'>, o?: CallOptions) =>
      unwrap(raw.POST('/v1/admin/services/{id}/activate', { params: id(sid), body, signal: o?.signal })),
    /** `PUT /v1/admin/services/{id}/jwks`: replaces the service's public keys. */
    setServiceJwks: (sid: string, body: BodyOf<'/v1/admin/services/{id}/jwks', 'put'>, o?: CallOptions) =>
      unwrap(raw.PUT('/v1/admin/services/{id}/jwks', { params: id(sid), body, signal: o?.signal })),
    /** `POST /v1/admin/catalogue`: adds a purpose, data category or processing operation. */
    createTerm: (body: BodyOf<'/v1/admin/catalogue', 'post'>, o?: CallOptions) => unwrap(raw.POST('/v1/admin/catalogue', { body, signal: o?.signal })),
    /** `PATCH /v1/admin/catalogue/{kind}/{code}`. */
    updateTerm: (kind: Kind, code: string, body: BodyOf<'/v1/admin/catalogue/{kind}/{code}', 'patch'>, o?: CallOptions) =>
      unwrap(raw.PATCH('/v1/admin/catalogue/{kind}/{code}', { params: { path: { kind, code } }, body, signal: o?.signal })),
    /** `DELETE /v1/admin/catalogue/{kind}/{code}` (never a term in use). */
    deleteTerm: async (kind: Kind, code: string, o?: CallOptions): Promise<void> => {
      await unwrap(raw.DELETE('/v1/admin/catalogue/{kind}/{code}', { params: { path: { kind, code } }, signal: o?.signal }));
    },
    /** `GET /v1/admin/roles`: who holds which role. */
    listRoles: (query: QueryOf<'/v1/admin/roles', 'get'> = {}, o?: CallOptions) =>
      new Paginated((cursor) => unwrap(raw.GET('/v1/admin/roles', { params: { query: { ...query, cursor } }, signal: o?.signal }))),
    /** `PUT /v1/admin/roles/{citizenId}/{role}`. */
    grantRole: (citizenId: string, role: Role, o?: CallOptions) =>
      unwrap(raw.PUT('/v1/admin/roles/{citizenId}/{role}', { params: { path: { citizenId, role } }, signal: o?.signal })),
    /** `DELETE /v1/admin/roles/{citizenId}/{role}` (the last admin stays). */
    revokeRole: async (citizenId: string, role: Role, o?: CallOptions): Promise<void> => {
      await unwrap(raw.DELETE('/v1/admin/roles/{citizenId}/{role}', { params: { path: { citizenId, role } }, signal: o?.signal }));
    },
    /** `POST /v1/admin/invitations`: a one-time enrolment code, shown once. */
    createInvitation: (body: BodyOf<'/v1/admin/invitations', 'post'>, o?: CallOptions) => unwrap(raw.POST('/v1/admin/invitations', { body, signal: o?.signal })),
    /** `GET /v1/admin/invitations`. */
    listInvitations: (query: QueryOf<'/v1/admin/invitations', 'get'> = {}, o?: CallOptions) =>
      new Paginated((cursor) => unwrap(raw.GET('/v1/admin/invitations', { params: { query: { ...query, cursor } }, signal: o?.signal }))),
    /** `DELETE /v1/admin/invitations/{id}`. */
    revokeInvitation: (iid: string, o?: CallOptions) => unwrap(raw.DELETE('/v1/admin/invitations/{id}', { params: id(iid), signal: o?.signal })),
    /** `GET /v1/admin/notification-mail`: the e-mail outbox (`status: 'dead'` for the dead letters), with counts by status. */
    listNotificationMail: (query: QueryOf<'/v1/admin/notification-mail', 'get'> = {}, o?: CallOptions) =>
      new Paginated((cursor) => unwrap(raw.GET('/v1/admin/notification-mail', { params: { query: { ...query, cursor } }, signal: o?.signal }))),
    /** `GET /v1/admin/notification-mail/{id}`: one mail with its delivery log. */
    getNotificationMail: (mid: string, o?: CallOptions) => unwrap(raw.GET('/v1/admin/notification-mail/{id}', { params: id(mid), signal: o?.signal })),
    /** `POST /v1/admin/notification-mail/{id}/retry`: back in the queue. */
    retryNotificationMail: (mid: string, o?: CallOptions) => unwrap(raw.POST('/v1/admin/notification-mail/{id}/retry', { params: id(mid), signal: o?.signal })),
  };
}

/** A client for an admin (see `createAdminClient`). */
export type AdminClient = ReturnType<typeof createAdminClient>;
