import { ForbiddenError, UnauthenticatedError } from '../domain/errors.js';

/** A state-changing form that failed the CSRF checks (see csrf.ts): 403, shown as such. */
export class CsrfError extends ForbiddenError {
  constructor() {
    super('The form did not come from this site or its token is wrong.', 'forbidden', { reason: 'csrf' });
  }
}

/** A page that needs a signed-in citizen: the portal answers with a redirect to sign in. */
export class SignInRequired extends UnauthenticatedError {
  constructor(readonly next: string) {
    super('Sign in to see this page.');
  }
}
