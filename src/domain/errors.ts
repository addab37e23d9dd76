/**
 * One error base class with a stable, typed `code` (the pattern of panva/jose).
 * The HTTP layer maps every PermisError to an RFC 9457 problem; anything else is an
 * opaque 500. Messages here are safe to show: never SQL, stack traces or internal ids.
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
] as const;

export type ProblemCode = (typeof problemCodes)[number];

/** A field-level complaint attached to a validation problem. */
export interface FieldError {
  /** JSON pointer-like dotted path of the offending field, e.g. `body.purposes.0`. */
  field: string;
  message: string;
}

/** Base class for every error that the API may show to its caller. */
export class PermisError extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly title: string;
  readonly extra: Record<string, unknown>;

  constructor(
    code: ProblemCode,
    status: number,
    title: string,
    detail?: string,
    extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
    this.name = 'PermisError';
    this.code = code;
    this.status = status;
    this.title = title;
    this.extra = extra;
  }
}

/** 400: the request is syntactically fine JSON but breaks the schema or a rule. */
export class ValidationError extends PermisError {
  readonly errors: FieldError[];
  constructor(detail: string, errors: FieldError[] = []) {
    super('validation_failed', 400, 'Request validation failed', detail, { errors });
    this.errors = errors;
  }
}

/** 404: the resource does not exist or is not the caller's (existence never leaks). */
export class NotFoundError extends PermisError {
  constructor(what = 'resource') {
    super('not_found', 404, 'Not found', `The ${what} does not exist.`);
  }
}

/** 401: no valid credentials were presented. */
export class UnauthenticatedError extends PermisError {
  constructor(detail = 'A valid session or access token is required.') {
    super('unauthenticated', 401, 'Authentication required', detail);
  }
}

/** 403: authenticated, but not allowed. */
export class ForbiddenError extends PermisError {
  constructor(detail = 'You are not allowed to do this.') {
    super('forbidden', 403, 'Forbidden', detail);
  }
}

/** 409: the consent's current status does not allow the requested transition. */
export class IllegalTransitionError extends PermisError {
  constructor(from: string, action: string) {
    super('illegal_transition', 409, 'Illegal transition', `A consent that is ${from} cannot be ${action}.`, {
      currentStatus: from,
      action,
    });
  }
}

/** 422-like rule failures that are still the caller's fault; we answer 400 with a specific code. */
export class RuleError extends PermisError {
  constructor(code: ProblemCode, title: string, detail: string, extra: Record<string, unknown> = {}) {
    super(code, 400, title, detail, extra);
  }
}

/** 409 for any other state conflict. */
export class ConflictError extends PermisError {
  constructor(code: ProblemCode, detail: string, extra: Record<string, unknown> = {}) {
    super(code, 409, 'Conflict', detail, extra);
  }
}

/** 503: a dependency (the database) is not reachable right now. */
export class UnavailableError extends PermisError {
  constructor(detail = 'The service is temporarily unavailable; try again shortly.') {
    super('service_unavailable', 503, 'Service unavailable', detail);
  }
}
