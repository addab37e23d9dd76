import { RuleError } from '../domain/errors.js';

/** 400 `enrolment_code_invalid`: one answer for unknown, expired, revoked and used codes. */
export class EnrolmentCodeError extends RuleError {
  constructor() {
    super('enrolment_code_invalid', 'The enrolment code is unknown, expired, revoked or already used.');
  }
}
