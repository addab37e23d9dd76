/**
 * The one table from error codes to RFC 9457 problems: the HTTP status and the title (RFC
 * 9457 §3.1.4: the same for every occurrence of a problem type) of every code the API may
 * answer with. The core throws codes; only this table knows HTTP. A code that can mean two
 * things by the family of its error (its class) has a function instead of a fixed entry.
 */
import { AuthenticationError, ConflictError, type PermisError, type ProblemCode } from '../domain/errors.js';

/** How one code is shown: status and title. */
export interface ProblemShape {
  status: number;
  title: string;
}

type Entry = ProblemShape | ((err: PermisError) => ProblemShape);

const conflict = { status: 409, title: 'Conflict' };

/** Status and title for every problem code (the compiler checks that none is missing). */
export const problemTable: { readonly [C in ProblemCode]: Entry } = {
  validation_failed: { status: 400, title: 'Request validation failed' },
  malformed_json: { status: 400, title: 'Malformed JSON' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Forbidden' },
  cross_site_request: { status: 403, title: 'Cross-site request refused' },
  rate_limited: { status: 429, title: 'Too many requests' },
  idempotency_key_reused: { status: 422, title: 'Idempotency key reused' },
  idempotency_in_progress: { status: 409, title: 'Request in progress' },
  illegal_transition: { status: 409, title: 'Illegal transition' },
  // A widening is a rule broken (400); a change that changes nothing conflicts with the state (409).
  consent_not_narrower: (err) => (err instanceof ConflictError ? conflict : { status: 400, title: 'Not a narrowing' }),
  term_not_allowed: { status: 400, title: 'Term not allowed for this service' },
  term_unknown: { status: 400, title: 'Unknown catalogue term' },
  validity_out_of_range: { status: 400, title: 'Validity out of range' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
  service_suspended: conflict,
  challenge_invalid: { status: 400, title: 'Challenge invalid' },
  // A registration that does not verify is bad input (400); an authentication that does not, no authentication (401).
  passkey_verification_failed: (err) => ({ status: err instanceof AuthenticationError ? 401 : 400, title: 'Passkey verification failed' }),
  passkey_unknown: { status: 401, title: 'Unknown passkey' },
  last_passkey: conflict,
  conflict,
  precondition_failed: { status: 412, title: 'Precondition failed' },
  subject_ref_conflict: conflict,
  request_not_pending: { status: 409, title: 'Request already decided' },
  request_expired: conflict,
  not_ready: { status: 503, title: 'Log not ready' },
  internal_error: { status: 500, title: 'Internal error' },
  enrolment_code_invalid: { status: 400, title: 'Enrolment code invalid' },
  last_admin: conflict,
  term_in_use: conflict,
  insufficient_scope: { status: 403, title: 'Insufficient scope' },
  webhook_url_refused: { status: 400, title: 'Webhook URL refused' },
  webhook_not_configured: conflict,
  beyond_tree_size: { status: 400, title: 'Beyond the tree size' },
  not_yet_integrated: { status: 409, title: 'Not yet in the log' },
  erasure_incomplete: { status: 503, title: 'Erasure not finished yet' },
  mail_unavailable: { status: 409, title: 'E-mail not available' },
  link_invalid: { status: 400, title: 'Link invalid' },
  notice_changed: { status: 409, title: 'Notice changed' },
  renewal_not_allowed: { status: 409, title: 'Renewal not allowed' },
  // c2sp.org/tlog-witness §add-checkpoint: the statuses the protocol prescribes.
  log_unknown: { status: 404, title: 'Unknown log' },
  checkpoint_signature_invalid: { status: 403, title: 'Checkpoint not signed by the log' },
  old_size_mismatch: conflict,
  checkpoint_inconsistent: { status: 422, title: 'Checkpoint inconsistent' },
  release_immutable: { status: 409, title: 'Release already published' },
  no_checkpoint: { status: 409, title: 'No published checkpoint yet' },
  representation_invalid: { status: 400, title: 'Representation invalid' },
  representation_denied: { status: 403, title: 'Not allowed on this basis' },
  representation_not_active: { status: 409, title: 'Representation not in force' },
};

/** The status and title of `err`'s code. */
export function problemShape(err: PermisError<ProblemCode>): ProblemShape {
  const entry = problemTable[err.code];
  return typeof entry === 'function' ? entry(err) : entry;
}
