/** Shorthands over the generated OpenAPI types. */
import type { components, paths } from '../schema.js';

/** Every named schema of the API (`Schemas['Consent']`, …). */
export type Schemas = components['schemas'];

type OpOf<P extends keyof paths, M extends keyof paths[P]> = NonNullable<paths[P][M]>;

/** The query parameters of an operation, without the pagination cursor. */
export type QueryOf<P extends keyof paths, M extends keyof paths[P]> = OpOf<P, M> extends { parameters: { query?: infer Q } } ? Omit<NonNullable<Q>, 'cursor'> : never;

/** The JSON request body of an operation. */
export type BodyOf<P extends keyof paths, M extends keyof paths[P]> = OpOf<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

/** Per-call options. */
export interface CallOptions {
  /** Aborts the call (and its retries). */
  signal?: AbortSignal;
}

/** Options of creating POSTs: the SDK sends a fresh `Idempotency-Key` unless one is given. */
export interface CreateOptions extends CallOptions {
  idempotencyKey?: string;
}

/** Options of consent transitions: act only if the consent is still at this revision (RFC 9110 §13.1.1). */
export interface TransitionOptions extends CallOptions {
  ifRevision?: number;
}

/** The `If-Match` header for a revision, or none. */
export const ifMatch = (opts?: TransitionOptions): Record<string, string> => (opts?.ifRevision === undefined ? {} : { 'if-match': `"${opts.ifRevision}"` });
