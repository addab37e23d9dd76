/**
 * Errors of the OAuth 2.0 token endpoint. RFC 6749 §5.2 fixes their shape
 * (`{ error, error_description }`), so they are not RFC 9457 problems: the token route
 * renders them itself and they never reach the app's problem handler.
 */

/** RFC 6749 §5.2 error codes, as the token endpoint uses them. */
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

/** A token-endpoint refusal; `description` is safe to show (RFC 6749 §5.2 `error_description`). */
export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  /** 401 for client authentication failures (RFC 6749 §5.2 invalid_client), else 400. */
  readonly status: 400 | 401;

  constructor(code: OAuthErrorCode, description: string) {
    super(description);
    this.name = 'OAuthError';
    this.code = code;
    this.status = code === 'invalid_client' ? 401 : 400;
  }
}

/** RFC 6749 §5.2 invalid_client: the client assertion did not authenticate the client. */
export const invalidClient = (description: string): OAuthError => new OAuthError('invalid_client', description);
