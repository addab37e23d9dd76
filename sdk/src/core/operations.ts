/**
 * Every operation of the OpenAPI document as `"METHOD /path"`, derived from the generated types:
 * each client lists the operations it wraps with this type, so an operation that disappears or
 * moves breaks the SDK's type check, and a test checks that every operation is wrapped.
 */
import type { paths } from '../schema.js';

type Method = 'get' | 'put' | 'post' | 'delete' | 'patch' | 'head' | 'options';

/** `"GET /v1/requests/{id}"` for every operation in the API. */
export type OperationKey = {
  [P in keyof paths]: { [M in Method]: paths[P][M] extends undefined ? never : `${Uppercase<M>} ${P & string}` }[Method];
}[keyof paths];

/** A client's method names mapped to the operations they call. */
export type OperationMap = Readonly<Record<string, OperationKey>>;
