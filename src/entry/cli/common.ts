/** What every `permis` sub-command shares: exit codes, usage errors and the help answer. */

/** Exit codes: 0 done, 1 the command failed, 2 the command line was wrong. */
export const OK = 0;
export const FAILED = 1;
export const USAGE = 2;

/** A wrong command line: the message and the usage text go to stderr, exit code 2. */
export class UsageError extends Error {}

/** Answers a help request: the usage text, exit 0 when asked for, 2 when no command was given. */
export function showHelp(command: string | undefined, usage: string, out: (line: string) => void, err: (line: string) => void): number {
  (command === undefined ? err : out)(usage);
  return command === undefined ? USAGE : OK;
}

/** Reports a UsageError with the usage text; returns undefined for any other error. */
export function usageFailure(e: unknown, usage: string, err: (line: string) => void): number | undefined {
  if (!(e instanceof UsageError)) return undefined;
  err(`error: ${e.message}`);
  err(usage);
  return USAGE;
}
