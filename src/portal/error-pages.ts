/**
 * The one table from error codes to the portal's error pages: the HTTP status of the page and
 * the message it shows, in the reader's language. Statuses are those of the API's problems
 * (`src/http/problem-table.ts`; test/error-tables.test.ts keeps the two in step); messages
 * say in plain words what went wrong and the way forward.
 */
import { AuthenticationError, ConflictError, type PermisError, type ProblemCode } from '../domain/errors.js';
import type { MessageKey } from './messages/index.js';

/** How one code is shown: the page's status and its message. */
export interface ErrorPageShape {
  status: number;
  message: MessageKey;
}

type Entry = ErrorPageShape | ((err: PermisError) => ErrorPageShape);

const invalid = (status: number): ErrorPageShape => ({ status, message: 'error.validation_failed' });
const conflict = invalid(409);

/** Status and message for every problem code (the compiler checks that none is missing). */
export const errorPages: { readonly [C in ProblemCode]: Entry } = {
  validation_failed: invalid(400),
  malformed_json: invalid(400),
  unsupported_media_type: invalid(415),
  payload_too_large: invalid(413),
  not_found: { status: 404, message: 'error.not_found' },
  method_not_allowed: invalid(405),
  unauthenticated: { status: 401, message: 'error.unauthenticated' },
  // A form that failed the CSRF checks (see csrf.ts) says so; any other refusal is "not allowed".
  forbidden: (err) => ({ status: 403, message: err.data.reason === 'csrf' ? 'error.csrf' : 'error.forbidden' }),
  cross_site_request: { status: 403, message: 'error.csrf' },
  rate_limited: { status: 429, message: 'error.rate_limited' },
  idempotency_key_reused: invalid(422),
  idempotency_in_progress: conflict,
  illegal_transition: { status: 409, message: 'error.illegal_transition' },
  consent_not_narrower: (err) => (err instanceof ConflictError ? conflict : invalid(400)),
  term_not_allowed: invalid(400),
  term_unknown: invalid(400),
  validity_out_of_range: invalid(400),
  service_unavailable: { status: 503, message: 'error.service_unavailable' },
  service_suspended: { status: 409, message: 'error.service_suspended' },
  challenge_invalid: invalid(400),
  passkey_verification_failed: (err) => invalid(err instanceof AuthenticationError ? 401 : 400),
  passkey_unknown: invalid(401),
  last_passkey: conflict,
  conflict,
  precondition_failed: invalid(412),
  subject_ref_conflict: conflict,
  request_not_pending: { status: 409, message: 'error.request_not_pending' },
  request_expired: { status: 409, message: 'error.request_expired' },
  not_ready: { status: 503, message: 'error.generic' },
  internal_error: { status: 500, message: 'error.generic' },
  enrolment_code_invalid: invalid(400),
  last_admin: conflict,
  term_in_use: conflict,
  insufficient_scope: { status: 403, message: 'error.forbidden' },
  webhook_url_refused: invalid(400),
  webhook_not_configured: conflict,
  beyond_tree_size: invalid(400),
  not_yet_integrated: conflict,
  erasure_incomplete: { status: 503, message: 'error.generic' },
  mail_unavailable: { status: 409, message: 'error.generic' },
  link_invalid: { status: 400, message: 'error.link_invalid' },
  notice_changed: { status: 409, message: 'error.notice_changed' },
  renewal_not_allowed: { status: 409, message: 'error.renewal_not_allowed' },
  // Witness protocol codes (src/witness/): never raised by the portal; same statuses as the API.
  log_unknown: { status: 404, message: 'error.not_found' },
  checkpoint_signature_invalid: { status: 403, message: 'error.forbidden' },
  old_size_mismatch: conflict,
  checkpoint_inconsistent: invalid(422),
  release_immutable: { status: 409, message: 'error.release_immutable' },
  no_checkpoint: { status: 409, message: 'error.no_checkpoint' },
  representation_invalid: invalid(400),
  representation_denied: { status: 403, message: 'error.forbidden' },
  representation_not_active: conflict,
};

/** The status and message of `err`'s code. */
export function errorPageShape(err: PermisError<ProblemCode>): ErrorPageShape {
  const entry = errorPages[err.code];
  return typeof entry === 'function' ? entry(err) : entry;
}
