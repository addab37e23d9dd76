/**
 * The client for citizens (a session from a passkey sign-in): their account, passkeys and
 * sessions, consents and the requests services send them.
 */
import { SessionAuth } from '../auth/session.js';
import { createApi, newIdempotencyKey, type RawClient, unwrap } from '../core/api.js';
import type { OperationMap } from '../core/operations.js';
import { Paginated } from '../core/paginate.js';
import { type BodyOf, type CallOptions, type CreateOptions, ifMatch, type QueryOf, type Schemas, type TransitionOptions } from '../core/types.js';
import type { SessionClientOptions } from './session-options.js';

/** The operations the citizen client wraps (checked against the OpenAPI document). */
export const citizenOperations = {
  signUpOptions: 'POST /v1/auth/signup/options',
  signUpVerify: 'POST /v1/auth/signup/verify',
  signInOptions: 'POST /v1/auth/signin/options',
  signInVerify: 'POST /v1/auth/signin/verify',
  signOut: 'POST /v1/auth/signout',
  me: 'GET /v1/me',
  listPasskeys: 'GET /v1/me/passkeys',
  addPasskeyOptions: 'POST /v1/me/passkeys/options',
  addPasskeyVerify: 'POST /v1/me/passkeys',
  renamePasskey: 'PATCH /v1/me/passkeys/{id}',
  deletePasskey: 'DELETE /v1/me/passkeys/{id}',
  listSessions: 'GET /v1/me/sessions',
  revokeSession: 'DELETE /v1/me/sessions/{id}',
  grantConsent: 'POST /v1/me/consents',
  listConsents: 'GET /v1/me/consents',
  getConsent: 'GET /v1/me/consents/{id}',
  getConsentRevisions: 'GET /v1/me/consents/{id}/revisions',
  getConsentReceipts: 'GET /v1/me/consents/{id}/receipts',
  narrowConsent: 'POST /v1/me/consents/{id}/narrow',
  pauseConsent: 'POST /v1/me/consents/{id}/pause',
  resumeConsent: 'POST /v1/me/consents/{id}/resume',
  withdrawConsent: 'POST /v1/me/consents/{id}/withdraw',
  listRequests: 'GET /v1/me/requests',
  getRequest: 'GET /v1/me/requests/{id}',
  startApproval: 'POST /v1/me/requests/{id}/approval',
  approveRequest: 'POST /v1/me/requests/{id}/approve',
  rejectRequest: 'POST /v1/me/requests/{id}/reject',
  listRepresentations: 'GET /v1/me/representations',
  authoriseRepresentative: 'POST /v1/me/representations',
  startAcceptance: 'POST /v1/me/representations/{id}/acceptance',
  acceptRepresentation: 'POST /v1/me/representations/{id}/accept',
  revokeRepresentation: 'POST /v1/me/representations/{id}/revoke',
  accessLog: 'GET /v1/me/access-log',
  exportMyData: 'GET /v1/me/export',
  eraseAccount: 'POST /v1/me/erase',
  myRoles: 'GET /v1/me/roles',
  enrol: 'POST /v1/auth/enrol',
  listNotifications: 'GET /v1/me/notifications',
  markNotificationRead: 'POST /v1/me/notifications/{id}/read',
  markAllNotificationsRead: 'POST /v1/me/notifications/read-all',
  getNotificationSettings: 'GET /v1/me/notification-settings',
  saveNotificationSettings: 'PUT /v1/me/notification-settings',
  setEmail: 'PUT /v1/me/email',
  removeEmail: 'DELETE /v1/me/email',
  resendEmailConfirmation: 'POST /v1/me/email/resend',
  startRenewal: 'POST /v1/me/consents/{id}/renewal',
  renewConsent: 'POST /v1/me/consents/{id}/renew',
  declineRenewal: 'POST /v1/me/consents/{id}/renewal-request/decline',
} as const satisfies OperationMap;

/**
 * Creates a passkey from WebAuthn creation options (JSON) and returns the registration response
 * JSON: in a browser, `(o) => startRegistration({ optionsJSON: o })` of `@simplewebauthn/browser`.
 */
export type CreatePasskey = (options: Schemas['WebAuthnCreationOptions']) => Promise<object>;
/**
 * Uses a passkey with WebAuthn request options (JSON) and returns the authentication response
 * JSON: in a browser, `(o) => startAuthentication({ optionsJSON: o })` of `@simplewebauthn/browser`.
 */
export type UsePasskey = (options: Record<string, unknown>) => Promise<object>;
type Registration = Schemas['WebAuthnRegistrationResponse'];
type Authentication = Schemas['WebAuthnAuthenticationResponse'];

/** Creates a client for a citizen; sign-up and sign-in set its session token. */
export function createCitizenClient(opts: SessionClientOptions) {
  const session = new SessionAuth(opts.sessionToken);
  const { raw } = createApi(opts, session);
  const signedIn = (s: Schemas['SignedIn']) => {
    session.token = s.session.token;
    return s;
  };
  const path = (id: string) => ({ path: { id } });

  const client = {
    /** The raw typed client (openapi-fetch) with this session. */
    raw: raw as RawClient,
    /** The current session token (undefined when signed out or using the cookie). */
    get sessionToken(): string | undefined {
      return session.token;
    },

    /** `POST /v1/auth/signup/options`: starts a passkey registration. */
    signUpOptions: (body: BodyOf<'/v1/auth/signup/options', 'post'>, o?: CallOptions) => unwrap(raw.POST('/v1/auth/signup/options', { body, signal: o?.signal })),
    /** `POST /v1/auth/signup/verify`: finishes it; the client keeps the new session. */
    signUpVerify: async (body: BodyOf<'/v1/auth/signup/verify', 'post'>, o?: CallOptions) =>
      signedIn(await unwrap(raw.POST('/v1/auth/signup/verify', { body, signal: o?.signal }))),
    /** Signs a new citizen up with a passkey made by `create`. */
    async signUp(displayName: string, create: CreatePasskey, o?: CallOptions & { passkeyName?: string }) {
      const started = await client.signUpOptions({ displayName }, o);
      const response = (await create(started.options)) as Registration;
      return client.signUpVerify({ ceremonyId: started.ceremonyId, response, ...(o?.passkeyName ? { passkeyName: o.passkeyName } : {}) }, o);
    },
    /** `POST /v1/auth/signin/options`: starts a passkey sign-in (discoverable credentials). */
    signInOptions: (o?: CallOptions) => unwrap(raw.POST('/v1/auth/signin/options', { body: {}, signal: o?.signal })),
    /** `POST /v1/auth/signin/verify`: finishes it; the client keeps the new session. */
    signInVerify: async (body: BodyOf<'/v1/auth/signin/verify', 'post'>, o?: CallOptions) =>
      signedIn(await unwrap(raw.POST('/v1/auth/signin/verify', { body, signal: o?.signal }))),
    /** Signs in with a passkey used by `get`. */
    async signIn(get: UsePasskey, o?: CallOptions) {
      const started = await client.signInOptions(o);
      return client.signInVerify({ ceremonyId: started.ceremonyId, response: (await get(started.options as Record<string, unknown>)) as Authentication }, o);
    },
    /** `POST /v1/auth/signout`: ends this session. */
    async signOut(o?: CallOptions): Promise<void> {
      await unwrap(raw.POST('/v1/auth/signout', { signal: o?.signal }));
      session.token = undefined;
    },
    /** `GET /v1/me`. */
    me: (o?: CallOptions) => unwrap(raw.GET('/v1/me', { signal: o?.signal })),

    /** `GET /v1/me/passkeys`. */
    listPasskeys: async (o?: CallOptions) => (await unwrap(raw.GET('/v1/me/passkeys', { signal: o?.signal }))).items,
    /** `POST /v1/me/passkeys/options`: starts adding another passkey. */
    addPasskeyOptions: (o?: CallOptions) => unwrap(raw.POST('/v1/me/passkeys/options', { body: {}, signal: o?.signal })),
    /** `POST /v1/me/passkeys`: finishes adding it. */
    addPasskeyVerify: (body: BodyOf<'/v1/me/passkeys', 'post'>, o?: CallOptions) => unwrap(raw.POST('/v1/me/passkeys', { body, signal: o?.signal })),
    /** Adds another passkey made by `create`. */
    async addPasskey(create: CreatePasskey, o?: CallOptions & { name?: string }) {
      const started = await client.addPasskeyOptions(o);
      return client.addPasskeyVerify({ ceremonyId: started.ceremonyId, response: (await create(started.options)) as Registration, ...(o?.name ? { name: o.name } : {}) }, o);
    },
    /** `PATCH /v1/me/passkeys/{id}`: renames a passkey. */
    renamePasskey: (id: string, name: string, o?: CallOptions) => unwrap(raw.PATCH('/v1/me/passkeys/{id}', { params: path(id), body: { name }, signal: o?.signal })),
    /** `DELETE /v1/me/passkeys/{id}` (never the last one). */
    deletePasskey: async (id: string, o?: CallOptions): Promise<void> => {
      await unwrap(raw.DELETE('/v1/me/passkeys/{id}', { params: path(id), signal: o?.signal }));
    },
    /** `GET /v1/me/sessions`. */
    listSessions: (query: QueryOf<'/v1/me/sessions', 'get'> = {}, o?: CallOptions) =>
      new Paginated((cursor) => unwrap(raw.GET('/v1/me/sessions', { params: { query: { ...query, cursor } }, signal: o?.signal }))),
    /** `DELETE /v1/me/sessions/{id}`: signs a session out. */
    revokeSession: async (id: string, o?: CallOptions): Promise<void> => {
      await unwrap(raw.DELETE('/v1/me/sessions/{id}', { params: path(id), signal: o?.signal }));
    },

    /** `POST /v1/me/consents`: gives a consent directly. Idempotent. */
    grantConsent: (body: BodyOf<'/v1/me/consents', 'post'>, o?: CreateOptions) =>
      unwrap(raw.POST('/v1/me/consents', { body, params: { header: { 'idempotency-key': o?.idempotencyKey ?? newIdempotencyKey() } }, signal: o?.signal })),
    /** `GET /v1/me/consents`. */
    listConsents: (query: QueryOf<'/v1/me/consents', 'get'> = {}, o?: CallOptions) =>
      new Paginated((cursor) => unwrap(raw.GET('/v1/me/consents', { params: { query: { ...query, cursor } }, signal: o?.signal }))),
    /** `GET /v1/me/consents/{id}`. */
    getConsent: (id: string, o?: CallOptions) => unwrap(raw.GET('/v1/me/consents/{id}', { params: path(id), signal: o?.signal })),
    /** `GET /v1/me/consents/{id}/revisions`: its history. */
    getConsentRevisions: async (id: string, o?: CallOptions) => (await unwrap(raw.GET('/v1/me/consents/{id}/revisions', { params: path(id), signal: o?.signal }))).items,
    /** `GET /v1/me/consents/{id}/receipts`: its signed receipts, oldest first. */
    getConsentReceipts: async (id: string, o?: CallOptions) => (await unwrap(raw.GET('/v1/me/consents/{id}/receipts', { params: path(id), signal: o?.signal }))).items,
    /** `POST /v1/me/consents/{id}/narrow`: fewer purposes, categories or processing, or a shorter validity. */
    narrowConsent: (id: string, body: BodyOf<'/v1/me/consents/{id}/narrow', 'post'>, o?: TransitionOptions) =>
      unwrap(raw.POST('/v1/me/consents/{id}/narrow', { params: { path: { id }, header: ifMatch(o) }, body, signal: o?.signal })),
    /** `POST /v1/me/consents/{id}/pause`. */
    pauseConsent: (id: string, body: BodyOf<'/v1/me/consents/{id}/pause', 'post'> = {}, o?: TransitionOptions) =>
      unwrap(raw.POST('/v1/me/consents/{id}/pause', { params: { path: { id }, header: ifMatch(o) }, body, signal: o?.signal })),
    /** `POST /v1/me/consents/{id}/resume`. */
    resumeConsent: (id: string, body: BodyOf<'/v1/me/consents/{id}/resume', 'post'> = {}, o?: TransitionOptions) =>
      unwrap(raw.POST('/v1/me/consents/{id}/resume', { params: { path: { id }, header: ifMatch(o) }, body, signal: o?.signal })),
    /** `POST /v1/me/consents/{id}/withdraw`: immediate and final. */
    withdrawConsent: (id: string, body: BodyOf<'/v1/me/consents/{id}/withdraw', 'post'> = {}, o?: TransitionOptions) =>
      unwrap(raw.POST('/v1/me/consents/{id}/withdraw', { params: { path: { id }, header: ifMatch(o) }, body, signal: o?.signal })),

    /** `GET /v1/me/requests`: requests services sent this citizen. */
    listRequests: (query: QueryOf<'/v1/me/requests', 'get'> = {}, o?: CallOptions) =>
      new Paginated((cursor) => unwrap(raw.GET('/v1/me/requests', { params: { query: { ...query, cursor } }, signal: o?.signal }))),
    /** `GET /v1/me/requests/{id}`: who asks, which data, for what, until when — in `lang`. */
    getRequest: (id: string, query: QueryOf<'/v1/me/requests/{id}', 'get'> = {}, o?: CallOptions) =>
      unwrap(raw.GET('/v1/me/requests/{id}', { params: { path: { id }, query }, signal: o?.signal })),
    /** `POST /v1/me/requests/{id}/approval`: fixes the terms; WebAuthn options whose challenge commits to them. */
    startApproval: (id: string, body: BodyOf<'/v1/me/requests/{id}/approval', 'post'> = {}, o?: CallOptions) =>
      unwrap(raw.POST('/v1/me/requests/{id}/approval', { params: path(id), body, signal: o?.signal })),
    /** `POST /v1/me/requests/{id}/approve`: the passkey assertion; creates the consent. */
    approveRequest: (id: string, body: BodyOf<'/v1/me/requests/{id}/approve', 'post'>, o?: CallOptions) =>
      unwrap(raw.POST('/v1/me/requests/{id}/approve', { params: path(id), body, signal: o?.signal })),
    /** Approves a request with a passkey used by `get`, signing exactly the terms shown. */
    async approve(id: string, get: UsePasskey, o?: CallOptions & { language?: 'ca' | 'es' | 'en' }) {
      const started = await client.startApproval(id, o?.language ? { language: o.language } : {}, o);
      const response = await get(started.options as Record<string, unknown>);
      return client.approveRequest(id, { ceremonyId: started.ceremonyId, response: response as BodyOf<'/v1/me/requests/{id}/approve', 'post'>['response'] }, o);
    },
    /** `POST /v1/me/requests/{id}/reject`. */
    rejectRequest: (id: string, o?: CallOptions) => unwrap(raw.POST('/v1/me/requests/{id}/reject', { params: path(id), signal: o?.signal })),

    /** `GET /v1/me/representations`: the people I represent and those who represent me, and whether each relationship is in force. */
    listRepresentations: (o?: CallOptions) => unwrap(raw.GET('/v1/me/representations', { signal: o?.signal })),
    /** `POST /v1/me/representations`: authorises another citizen to act for me (pending until they accept). */
    authoriseRepresentative: (body: BodyOf<'/v1/me/representations', 'post'>, o?: CallOptions) =>
      unwrap(raw.POST('/v1/me/representations', { body, signal: o?.signal })),
    /** `POST /v1/me/representations/{id}/acceptance`: the terms and passkey options whose challenge commits to them. */
    startAcceptance: (id: string, o?: CallOptions) => unwrap(raw.POST('/v1/me/representations/{id}/acceptance', { params: path(id), signal: o?.signal })),
    /** `POST /v1/me/representations/{id}/accept`: the passkey assertion; the relationship becomes active. */
    acceptRepresentation: (id: string, body: BodyOf<'/v1/me/representations/{id}/accept', 'post'>, o?: CallOptions) =>
      unwrap(raw.POST('/v1/me/representations/{id}/accept', { params: path(id), body, signal: o?.signal })),
    /** Accepts a representation with a passkey used by `get`, signing exactly its terms. */
    async accept(id: string, get: UsePasskey, o?: CallOptions) {
      const started = await client.startAcceptance(id, o);
      const response = await get(started.options as Record<string, unknown>);
      return client.acceptRepresentation(id, { ceremonyId: started.ceremonyId, response: response as BodyOf<'/v1/me/representations/{id}/accept', 'post'>['response'] }, o);
    },
    /** `POST /v1/me/representations/{id}/revoke`: ends a voluntary representation at once (revoke, decline or renounce). */
    revokeRepresentation: (id: string, o?: CallOptions) => unwrap(raw.POST('/v1/me/representations/{id}/revoke', { params: path(id), signal: o?.signal })),

    /**
     * `GET /v1/me/access-log`: who used my data, for what, with the log's proof of each entry.
     * Iterate the entries, or `.pages()` for each page's checkpoint and `verifyAccessLogPage`.
     */
    accessLog: (query: QueryOf<'/v1/me/access-log', 'get'> = {}, o?: CallOptions) =>
      new Paginated((cursor) => unwrap(raw.GET('/v1/me/access-log', { params: { query: { ...query, cursor } }, signal: o?.signal }))),
    /** `GET /v1/me/export`: all my data as one JSON snapshot (GDPR Arts. 15 and 20). */
    exportMyData: (o?: CallOptions) => unwrap(raw.GET('/v1/me/export', { signal: o?.signal })),
    /** `POST /v1/me/erase`: withdraws every consent, then erases the account (GDPR Art. 17). Final. */
    async eraseAccount(o?: CallOptions) {
      const result = await unwrap(raw.POST('/v1/me/erase', { body: { confirm: 'erase my account' }, signal: o?.signal }));
      session.token = undefined;
      return result;
    },

    /** `GET /v1/me/roles`. */
    myRoles: (o?: CallOptions) => unwrap(raw.GET('/v1/me/roles', { signal: o?.signal })),
    /** `POST /v1/auth/enrol`: redeems a one-time admin or officer code. */
    enrol: (code: string, o?: CallOptions) => unwrap(raw.POST('/v1/auth/enrol', { body: { code }, signal: o?.signal })),

    /** `GET /v1/me/notifications`: my notifications, newest first (`unread: 'true'` for unread only). */
    listNotifications: (query: QueryOf<'/v1/me/notifications', 'get'> = {}, o?: CallOptions) =>
      new Paginated((cursor) => unwrap(raw.GET('/v1/me/notifications', { params: { query: { ...query, cursor } }, signal: o?.signal }))),
    /** `POST /v1/me/notifications/{id}/read`. */
    markNotificationRead: async (id: string, o?: CallOptions): Promise<void> => {
      await unwrap(raw.POST('/v1/me/notifications/{id}/read', { params: path(id), signal: o?.signal }));
    },
    /** `POST /v1/me/notifications/read-all`. */
    markAllNotificationsRead: (o?: CallOptions) => unwrap(raw.POST('/v1/me/notifications/read-all', { signal: o?.signal })),
    /** `GET /v1/me/notification-settings`: language, channels per type, my e-mail address. */
    getNotificationSettings: (o?: CallOptions) => unwrap(raw.GET('/v1/me/notification-settings', { signal: o?.signal })),
    /** `PUT /v1/me/notification-settings`: security notices stay on whatever is sent. */
    saveNotificationSettings: (body: BodyOf<'/v1/me/notification-settings', 'put'>, o?: CallOptions) =>
      unwrap(raw.PUT('/v1/me/notification-settings', { body, signal: o?.signal })),
    /** `PUT /v1/me/email`: sets my address; it receives only a confirmation link until I follow it. */
    setEmail: (body: BodyOf<'/v1/me/email', 'put'>, o?: CallOptions) => unwrap(raw.PUT('/v1/me/email', { body, signal: o?.signal })),
    /** `DELETE /v1/me/email`. */
    removeEmail: async (o?: CallOptions): Promise<void> => {
      await unwrap(raw.DELETE('/v1/me/email', { signal: o?.signal }));
    },
    /** `POST /v1/me/email/resend`: the confirmation link again. */
    resendEmailConfirmation: async (o?: CallOptions): Promise<void> => {
      await unwrap(raw.POST('/v1/me/email/resend', { signal: o?.signal }));
    },
    /** `POST /v1/me/consents/{id}/renewal`: the renewed terms and WebAuthn options whose challenge commits to them. */
    startRenewal: (id: string, body: BodyOf<'/v1/me/consents/{id}/renewal', 'post'> = {}, o?: CallOptions) =>
      unwrap(raw.POST('/v1/me/consents/{id}/renewal', { params: path(id), body, signal: o?.signal })),
    /** `POST /v1/me/consents/{id}/renew`: the passkey assertion; a new revision with my signature. */
    renewConsent: (id: string, body: BodyOf<'/v1/me/consents/{id}/renew', 'post'>, o?: CallOptions) =>
      unwrap(raw.POST('/v1/me/consents/{id}/renew', { params: path(id), body, signal: o?.signal })),
    /** Renews a consent on the same terms with a passkey used by `get`, signing exactly the renewed terms. */
    async renew(id: string, get: UsePasskey, o?: CallOptions & { validUntil?: string }) {
      const started = await client.startRenewal(id, o?.validUntil ? { validUntil: o.validUntil } : {}, o);
      const response = await get(started.options as Record<string, unknown>);
      return client.renewConsent(id, { ceremonyId: started.ceremonyId, response: response as BodyOf<'/v1/me/consents/{id}/renew', 'post'>['response'] }, o);
    },
    /** `POST /v1/me/consents/{id}/renewal-request/decline`: let it end instead of renewing as the service asked. */
    declineRenewal: (id: string, o?: CallOptions) => unwrap(raw.POST('/v1/me/consents/{id}/renewal-request/decline', { params: path(id), signal: o?.signal })),
  };
  return client;
}

/** A client for a citizen (see `createCitizenClient`). */
export type CitizenClient = ReturnType<typeof createCitizenClient>;
