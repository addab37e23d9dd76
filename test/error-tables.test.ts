// The API's problem table and the portal's error-page table answer with the same HTTP status
// for every code, including the codes whose status depends on the family of the error.
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConflictError,
  type PermisError,
  type ProblemCode,
  problemCodes,
  RuleError,
} from '../src/domain/errors.js';
import { problemShape } from '../src/http/problem-table.js';
import { errorPageShape } from '../src/portal/error-pages.js';

/** One error per family a code can be thrown with. */
const samples = (code: ProblemCode): PermisError<ProblemCode>[] => [
  new RuleError(code, 'a rule'),
  new ConflictError(code, 'a conflict'),
  ...(code === 'passkey_verification_failed' ? [new AuthenticationError(code, 'not authenticated')] : []),
];

describe('error tables', () => {
  it('give the same status for every code in both faces', () => {
    for (const code of problemCodes) {
      for (const err of samples(code)) expect(errorPageShape(err).status, code).toBe(problemShape(err).status);
    }
  });

  it('keep the statuses that depend on the family of the error', () => {
    expect(problemShape(new AuthenticationError('passkey_verification_failed', 'x')).status).toBe(401);
    expect(problemShape(new RuleError('passkey_verification_failed', 'x')).status).toBe(400);
    expect(problemShape(new ConflictError('consent_not_narrower', 'x'))).toEqual({ status: 409, title: 'Conflict' });
    expect(problemShape(new RuleError('consent_not_narrower', 'x'))).toEqual({ status: 400, title: 'Not a narrowing' });
  });
});
