/**
 * The typed API under every client: openapi-fetch over the generated `paths`, sending through
 * the Transport, and `unwrap`, which turns an answer into its data or a PermisError.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../schema.js';
import { errorFromResponse, PermisError } from './errors.js';
import { type Authenticator, Transport, type TransportOptions } from './transport.js';

/** The raw typed client (openapi-fetch) for any operation of the API. */
export type RawClient = Client<paths>;

/** A typed client bound to a transport and, optionally, an authenticator. */
export interface Api {
  raw: RawClient;
  transport: Transport;
}

/** Creates the typed client for `opts`, authenticating every request with `auth`. */
export function createApi(opts: TransportOptions, auth?: Authenticator): Api {
  const transport = new Transport(opts);
  const raw = createClient<paths>({
    baseUrl: transport.baseUrl,
    fetch: (request: Request) => transport.send(request, auth),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  });
  return { raw, transport };
}

/** A fresh `Idempotency-Key` (RFC draft-ietf-httpapi-idempotency-key-header: a unique string). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

interface Answer<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/**
 * Awaits an openapi-fetch call and returns its data; throws PermisError for error answers
 * (the problem's code), unparseable answers (`malformed_response`) and failures underway.
 */
export async function unwrap<D>(call: Promise<Answer<D>>): Promise<D> {
  let answer: Answer<D>;
  try {
    answer = await call;
  } catch (err) {
    if (err instanceof PermisError) throw err;
    if (err instanceof SyntaxError) throw new PermisError('malformed_response', `the answer is not valid JSON: ${err.message}`, { cause: err });
    if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) throw err;
    throw new PermisError('network_error', `the answer could not be read: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
  const { response } = answer;
  if (!response.ok) throw errorFromResponse(response, answer.error);
  return answer.data as D;
}

/** Asserts a shape the API promises, or throws `malformed_response`. */
export function expectShape(ok: boolean, what: string): void {
  if (!ok) throw new PermisError('malformed_response', `the answer is not ${what}`);
}
