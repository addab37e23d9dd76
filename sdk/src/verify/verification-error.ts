/**
 * The base class of every offline-verification failure. `reason` is a stable, specific code
 * (each subclass documents its own union) so callers and tests can tell one failure from
 * another without parsing messages.
 */
export class VerificationError<R extends string = string> extends Error {
  readonly reason: R;
  constructor(reason: R, message: string) {
    super(message);
    this.name = 'VerificationError';
    this.reason = reason;
  }
}
