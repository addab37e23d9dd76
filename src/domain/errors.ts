/**
 * One error root with a stable, typed `code` (the pattern of panva/jose's JOSEError). The core
 * knows no HTTP: each face maps codes to what it shows — `src/http/problem-table.ts` to RFC
 * 9457 problems, `src/portal/error-pages.ts` to error pages — and anything that is not a
 * PermisError, or whose code a face does not show, becomes an opaque "internal error".
 * Messages are safe to show: never SQL, stack traces or internal ids.
 */

/** Every stable machine code an API problem can carry; listed in the OpenAPI document. */
export const problemCodes = [
  'validation_failed',
  'malformed_json',
  'unsupported_media_type',
  'payload_too_large',
  'not_found',
  'method_not_allowed',
  'unauthenticated',
  'forbidden',
  'cross_site_request',
  'rate_limited',
  'idempotency_key_reused',
  'idempotency_in_progress',
  'illegal_transition',
  'consent_not_narrower',
  'term_not_allowed',
  'term_unknown',
  'validity_out_of_range',
  'service_unavailable',
  'service_suspended',
  'challenge_invalid',
  'passkey_verification_failed',
  'passkey_unknown',
  'last_passkey',
  'conflict',
  'precondition_failed',
  'subject_ref_conflict',
  'request_not_pending',
  'request_expired',
  'not_ready',
  'internal_error',
  'enrolment_code_invalid',
  'last_admin',
  'term_in_use',
  'insufficient_scope',
  'webhook_url_refused',
  'webhook_not_configured',
  'beyond_tree_size',
  'not_yet_integrated',
  'erasure_incomplete',
  'mail_unavailable',
  'link_invalid',
  'notice_changed',
  'renewal_not_allowed',
  'log_unknown',
  'checkpoint_signature_invalid',
  'old_size_mismatch',
  'checkpoint_inconsistent',
  'release_immutable',
  'no_checkpoint',
  'representation_invalid',
  'representation_denied',
  'representation_not_active',
] as const;

/** A code an API caller may see in a problem document. */
export type ProblemCode = (typeof problemCodes)[number];

/** RFC 6749 §5.2 error codes, as the token endpoint uses them (it answers with them, not with problems). */
export const oauthErrorCodes = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
] as const;

/** One RFC 6749 §5.2 error code. */
export type OAuthErrorCode = (typeof oauthErrorCodes)[number];

/** Codes of signing-key failures (operator problems found at start-up or by the CLI). */
export type KeyErrorCode =
  /** The key-encryption key is not 32 bytes. */
  | 'kek_invalid'
  /** The key-encryption key does not decrypt the stored private keys. */
  | 'kek_mismatch'
  /** A configured private JWK is malformed or its private and public halves disagree. */
  | 'key_invalid'
  /** A key id is already taken by another use or by a different key. */
  | 'key_conflict'
  /** The active key of a use has no private part this process can use. */
  | 'key_unavailable'
  /** A stored private key decrypts but does not match its public key. */
  | 'key_corrupt'
  /** Signing failed. */
  | 'sign_failed';

/**
 * Codes no caller sees as such (a face shows them as an internal error, the database ones as
 * "unavailable"): faults of the operator, the data or the code, each named so logs and tests
 * can tell them apart.
 */
export type InternalCode =
  | KeyErrorCode
  /** The database could not be reached or the connection broke. */
  | 'database_unavailable'
  /** The database refused a statement (constraint, syntax, serialization…). */
  | 'database_failed'
  /** The database and the migration files disagree; start-up must stop. */
  | 'migration_failed'
  /** The stored log cannot be extended or proven (nodes, leaves or checkpoints disagree). */
  | 'log_integrity'
  /** A stored event cannot produce its committed leaf. */
  | 'leaf_invalid'
  /** A redaction would change an event's leaf. */
  | 'redaction_failed'
  /** A value has no RFC 8785 canonical JSON form. */
  | 'not_canonical_json'
  /** A WebAuthn credential's COSE key cannot be read (RFC 9052 §7). */
  | 'cose_key_invalid'
  /** A function was called against its contract (a bug). */
  | 'invalid_argument'
  /** Stored rows contradict each other (a bug, or a damaged row). */
  | 'data_integrity';

/** Every code a PermisError can carry. */
export type ErrorCode = ProblemCode | OAuthErrorCode | InternalCode;

/** A field-level complaint attached to a validation error. */
export interface FieldError {
  /** JSON pointer-like dotted path of the offending field, e.g. `body.purposes.0`. */
  field: string;
  message: string;
}

/** Options every PermisError takes. */
export interface PermisErrorOptions {
  /** Facts about the failure a face may show (e.g. `{ currentStatus, action }`). */
  data?: Record<string, unknown>;
  /** The error this one wraps (a driver's, jose's, WebAuthn's). */
  cause?: unknown;
}

/** The root of every error the core throws: a stable `code`, a safe message and optional data. */
export class PermisError<C extends ErrorCode = ErrorCode> extends Error {
  /** Stable and typed: callers branch on it, never on the message. */
  readonly code: C;
  /** Facts a face may show beside the message (problem extension members, for the API). */
  readonly data: Readonly<Record<string, unknown>>;

  constructor(code: C, message: string, options: PermisErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.data = options.data ?? {};
  }
}

/** The input breaks its schema or a field rule. */
export class ValidationError extends PermisError<'validation_failed'> {
  readonly errors: FieldError[];
  constructor(detail: string, errors: FieldError[] = []) {
    super('validation_failed', detail, { data: { errors } });
    this.errors = errors;
  }
}

/** The input is well formed but breaks a rule of the domain (the caller's fault). */
export class RuleError extends PermisError<ProblemCode> {
  constructor(code: ProblemCode, detail: string, data: Record<string, unknown> = {}, cause?: unknown) {
    super(code, detail, { data, cause });
  }
}

/** The resource does not exist or is not the caller's (existence never leaks). */
export class NotFoundError extends PermisError<'not_found'> {
  constructor(what = 'resource') {
    super('not_found', `The ${what} does not exist.`);
  }
}

/** The request conflicts with the current state of the resource. */
export class ConflictError extends PermisError<ProblemCode> {
  constructor(code: ProblemCode, detail: string, data: Record<string, unknown> = {}) {
    super(code, detail, { data });
  }
}

/** The consent's current status does not allow the requested transition. */
export class IllegalTransitionError extends ConflictError {
  constructor(from: string, action: string) {
    super('illegal_transition', `A consent that is ${from} cannot be ${action}.`, { currentStatus: from, action });
  }
}

/** Who is asking could not be established (no or bad credentials, a passkey that does not verify). */
export class AuthenticationError extends PermisError<'unauthenticated' | 'passkey_verification_failed' | 'passkey_unknown'> {}

/** No valid session or access token. */
export class UnauthenticatedError extends AuthenticationError {
  constructor(detail = 'A valid session or access token is required.') {
    super('unauthenticated', detail);
  }
}

/** Authenticated, but not allowed. */
export class ForbiddenError extends PermisError<'forbidden' | 'insufficient_scope'> {
  constructor(detail = 'You are not allowed to do this.', code: 'forbidden' | 'insufficient_scope' = 'forbidden', data: Record<string, unknown> = {}) {
    super(code, detail, { data });
  }
}

/** A dependency (the database, the log) cannot serve this right now; trying again later may work. */
export class UnavailableError extends PermisError<'service_unavailable' | 'not_ready' | 'erasure_incomplete'> {
  constructor(detail = 'The service is temporarily unavailable; try again shortly.', code: 'service_unavailable' | 'not_ready' | 'erasure_incomplete' = 'service_unavailable') {
    super(code, detail);
  }
}

/** A token-endpoint refusal (RFC 6749 §5.2); `message` is the safe `error_description`. */
export class OAuthError extends PermisError<OAuthErrorCode> {
  constructor(code: OAuthErrorCode, description: string) {
    super(code, description);
  }
}

/** A fault no caller caused: operator, data or code. Faces log it and show an internal error. */
export class InternalError extends PermisError<InternalCode> {}

/** True when `err` is a PermisError whose code is one an API caller may see. */
export const isProblemCode = (code: string): code is ProblemCode => (problemCodes as readonly string[]).includes(code);
