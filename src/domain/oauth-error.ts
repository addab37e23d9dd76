/**
 * Errors of the OAuth 2.0 token endpoint. RFC 6749 §5.2 fixes their shape
 * (`{ error, error_description }`), so they are not RFC 9457 problems: the token route
 * renders them itself and they never reach the app's problem handler.
 */
import { OAuthError } from './errors.js';

export { OAuthError, type OAuthErrorCode, oauthErrorCodes } from './errors.js';

/** RFC 6749 §5.2 invalid_client: the client assertion did not authenticate the client. */
export const invalidClient = (description: string): OAuthError => new OAuthError('invalid_client', description);
