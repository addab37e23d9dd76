import { PermisError } from '../domain/errors.js';

/** A state-changing form that failed the CSRF checks (see csrf.ts): 403, shown as such. */
export class CsrfError extends PermisError {
  constructor() {
    super('forbidden', 403, 'Forbidden', 'The form did not come from this site or its token is wrong.', { reason: 'csrf' });
  }
}

/** A page that needs a signed-in citizen: the portal answers with a redirect to sign in. */
export class SignInRequired extends PermisError {
  constructor(readonly next: string) {
    super('unauthenticated', 401, 'Unauthenticated', 'Sign in to see this page.');
  }
}
