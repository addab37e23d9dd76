/**
 * The scopes a city service's access token can carry. Scope strings
 * follow RFC 6749 §3.3: space-delimited, case-sensitive, order without meaning.
 */

/** Every scope a service may ask for; a token request without `scope` gets them all. */
export const SERVICE_SCOPES = ['consents:request', 'consents:check', 'consents:read', 'consents:revoke', 'webhooks'] as const;

/** One service scope. */
export type ServiceScope = (typeof SERVICE_SCOPES)[number];

/** True when `s` is one of SERVICE_SCOPES. */
export const isServiceScope = (s: string): s is ServiceScope => (SERVICE_SCOPES as readonly string[]).includes(s);

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), joined by single spaces.
const SCOPE_STRING = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;

/** Why a requested scope string was refused. */
export type ScopeProblem = { kind: 'malformed' } | { kind: 'unknown'; scopes: string[] };

/**
 * Parses a requested `scope` parameter (RFC 6749 §3.3). Undefined means "all scopes".
 * Returns the granted scopes in SERVICE_SCOPES order without duplicates, or the problem:
 * malformed syntax, or scope tokens that are not service scopes.
 */
export function parseScopeParam(scope: string | undefined): { ok: true; scopes: ServiceScope[] } | { ok: false; problem: ScopeProblem } {
  if (scope === undefined) return { ok: true, scopes: [...SERVICE_SCOPES] };
  if (!SCOPE_STRING.test(scope)) return { ok: false, problem: { kind: 'malformed' } };
  const tokens = scope.split(' ');
  const unknown = [...new Set(tokens.filter((s) => !isServiceScope(s)))];
  if (unknown.length) return { ok: false, problem: { kind: 'unknown', scopes: unknown } };
  return { ok: true, scopes: SERVICE_SCOPES.filter((s) => tokens.includes(s)) };
}

/** The scopes of a verified token's `scope` claim that are service scopes; others are dropped. */
export function scopesOfClaim(claim: unknown): ServiceScope[] {
  if (typeof claim !== 'string') return [];
  const tokens = claim.split(' ');
  return SERVICE_SCOPES.filter((s) => tokens.includes(s));
}
