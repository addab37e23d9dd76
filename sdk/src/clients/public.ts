/**
 * The public part of the API, no credentials needed: health, the signing keys, the catalogue,
 * registered services, and the transparency log — with helpers that verify what they fetch.
 */
import { createApi, expectShape, type RawClient, unwrap } from '../core/api.js';
import type { OperationMap } from '../core/operations.js';
import { Paginated } from '../core/paginate.js';
import type { TransportOptions } from '../core/transport.js';
import type { CallOptions, QueryOf } from '../core/types.js';
import { fromB64 } from '../core/encoding.js';
import { verifyCheckpoint, type VerifiedCheckpoint } from '../verify/checkpoint.js';
import { verifyConsistencyProof, verifyInclusionProof } from '../verify/log-proofs.js';
import { type JwkSet, verifyReceipt, type VerifiedReceipt, type VerifyReceiptOptions } from '../verify/receipt.js';

/** The operations the public client wraps (checked against the OpenAPI document). */
export const publicOperations = {
  health: 'GET /healthz',
  ready: 'GET /readyz',
  jwks: 'GET /.well-known/jwks.json',
  authorizationServerMetadata: 'GET /.well-known/oauth-authorization-server',
  catalogue: 'GET /v1/catalogue',
  catalogueTerm: 'GET /v1/catalogue/{kind}/{code}',
  listServices: 'GET /v1/services',
  getService: 'GET /v1/services/{id}',
  logCheckpoint: 'GET /v1/log/checkpoint',
  logKey: 'GET /v1/log/key',
  logInclusionProof: 'GET /v1/log/proof/inclusion',
  logConsistencyProof: 'GET /v1/log/proof/consistency',
  logLeaves: 'GET /v1/log/leaves',
  logWitnessedCheckpoint: 'GET /v1/log/checkpoint/witnessed',
  openDataReleases: 'GET /v1/open-data/releases',
  openDataRelease: 'GET /v1/open-data/releases/{number}',
  openDataReleaseDocument: 'GET /v1/open-data/releases/{number}/release.json',
  openDataCsv: 'GET /v1/open-data/releases/{number}/statistics.csv',
  openDataCsvMetadata: 'GET /v1/open-data/releases/{number}/statistics.csv-metadata.json',
  openDataSignature: 'GET /v1/open-data/releases/{number}/signature.note',
  openDataCatalogue: 'GET /v1/open-data/catalogue',
  openDataCatalogueTurtle: 'GET /v1/open-data/catalogue.ttl',
  openDataCatalogueJsonLd: 'GET /v1/open-data/catalogue.jsonld',
} as const satisfies OperationMap;

type Kind = 'purpose' | 'category' | 'processing';

/** Creates a client for the public operations. */
export function createPublicClient(opts: TransportOptions) {
  const { raw } = createApi(opts);
  const text = async (p: Promise<{ data?: string; error?: unknown; response: Response }>) => {
    const s = await unwrap(p);
    expectShape(typeof s === 'string', 'text');
    return s;
  };
  const client = {
    /** The raw typed client (openapi-fetch), unauthenticated. */
    raw: raw as RawClient,
    /** `GET /healthz`. */
    health: (o?: CallOptions) => unwrap(raw.GET('/healthz', { signal: o?.signal })),
    /** `GET /readyz`: 200 when the database answers. */
    ready: (o?: CallOptions) => unwrap(raw.GET('/readyz', { signal: o?.signal })),
    /** `GET /.well-known/jwks.json`: every public signing key, active and retired. */
    jwks: (o?: CallOptions) => unwrap(raw.GET('/.well-known/jwks.json', { signal: o?.signal })),
    /** `GET /.well-known/oauth-authorization-server`: RFC 8414 metadata (token endpoint, auth methods, scopes). */
    authorizationServerMetadata: (o?: CallOptions) => unwrap(raw.GET('/.well-known/oauth-authorization-server', { signal: o?.signal })),
    /** `GET /v1/catalogue`: purposes, data categories and processing operations. */
    catalogue: (query: QueryOf<'/v1/catalogue', 'get'> = {}, o?: CallOptions) => unwrap(raw.GET('/v1/catalogue', { params: { query }, signal: o?.signal })),
    /** `GET /v1/catalogue/{kind}/{code}`. */
    catalogueTerm: (kind: Kind, code: string, o?: CallOptions) => unwrap(raw.GET('/v1/catalogue/{kind}/{code}', { params: { path: { kind, code } }, signal: o?.signal })),
    /** `GET /v1/services`: the registered services. */
    listServices: (query: QueryOf<'/v1/services', 'get'> = {}, o?: CallOptions) =>
      new Paginated((cursor) => unwrap(raw.GET('/v1/services', { params: { query: { ...query, cursor } }, signal: o?.signal }))),
    /** `GET /v1/services/{id}`. */
    getService: (id: string, o?: CallOptions) => unwrap(raw.GET('/v1/services/{id}', { params: { path: { id } }, signal: o?.signal })),

    /** `GET /v1/log/checkpoint`: the latest signed checkpoint note (unverified text). */
    logCheckpoint: (o?: CallOptions) => text(raw.GET('/v1/log/checkpoint', { parseAs: 'text', signal: o?.signal })),
    /** `GET /v1/log/key`: the log's verifier key (pin it; do not fetch it on every run). */
    logKey: async (o?: CallOptions) => (await text(raw.GET('/v1/log/key', { parseAs: 'text', signal: o?.signal }))).trim(),
    /** `GET /v1/log/proof/inclusion`: by `index` or `eventId`, in the tree of `treeSize`. */
    logInclusionProof: (query: QueryOf<'/v1/log/proof/inclusion', 'get'>, o?: CallOptions) =>
      unwrap(raw.GET('/v1/log/proof/inclusion', { params: { query }, signal: o?.signal })),
    /** `GET /v1/log/proof/consistency`: that the tree of `from` leaves is a prefix of the tree of `to`. */
    logConsistencyProof: (query: QueryOf<'/v1/log/proof/consistency', 'get'>, o?: CallOptions) =>
      unwrap(raw.GET('/v1/log/proof/consistency', { params: { query }, signal: o?.signal })),
    /** `GET /v1/log/leaves`: raw leaf data in [start, end), at most 1,000. */
    logLeaves: (query: QueryOf<'/v1/log/leaves', 'get'>, o?: CallOptions) => unwrap(raw.GET('/v1/log/leaves', { params: { query }, signal: o?.signal })),

    /** `GET /v1/log/checkpoint/witnessed`: the latest checkpoint cosigned by a quorum of witnesses (unverified text). */
    logWitnessedCheckpoint: (o?: CallOptions) => text(raw.GET('/v1/log/checkpoint/witnessed', { parseAs: 'text', signal: o?.signal })),

    /** `GET /v1/open-data/releases`: the published open-data releases, newest first. */
    openDataReleases: (o?: CallOptions) => unwrap(raw.GET('/v1/open-data/releases', { signal: o?.signal })),
    /** `GET /v1/open-data/releases/{number}`: one published release with its checkpoint and download links. */
    openDataRelease: (number: number, o?: CallOptions) => unwrap(raw.GET('/v1/open-data/releases/{number}', { params: { path: { number } }, signal: o?.signal })),
    /** `GET /v1/open-data/releases/{number}/release.json`: the signed document as its exact bytes (text), to hash and verify. */
    openDataReleaseDocument: (number: number, o?: CallOptions) =>
      text(raw.GET('/v1/open-data/releases/{number}/release.json', { params: { path: { number } }, parseAs: 'text', signal: o?.signal })),
    /** `GET /v1/open-data/releases/{number}/statistics.csv`: the release's cells as RFC 4180 CSV. */
    openDataCsv: (number: number, o?: CallOptions) =>
      text(raw.GET('/v1/open-data/releases/{number}/statistics.csv', { params: { path: { number } }, parseAs: 'text', signal: o?.signal })),
    /** `GET /v1/open-data/releases/{number}/statistics.csv-metadata.json`: the CSV's CSVW metadata (text). */
    openDataCsvMetadata: (number: number, o?: CallOptions) =>
      text(raw.GET('/v1/open-data/releases/{number}/statistics.csv-metadata.json', { params: { path: { number } }, parseAs: 'text', signal: o?.signal })),
    /** `GET /v1/open-data/releases/{number}/signature.note`: the release's signed note (verify with the log's key). */
    openDataSignature: (number: number, o?: CallOptions) =>
      text(raw.GET('/v1/open-data/releases/{number}/signature.note', { params: { path: { number } }, parseAs: 'text', signal: o?.signal })),
    /** `GET /v1/open-data/catalogue`: the DCAT-AP 3.0 catalogue as Turtle (text). */
    openDataCatalogue: (o?: CallOptions) => text(raw.GET('/v1/open-data/catalogue', { parseAs: 'text', headers: { accept: 'text/turtle' }, signal: o?.signal })),
    /** `GET /v1/open-data/catalogue.ttl`: the DCAT-AP 3.0 catalogue in Turtle. */
    openDataCatalogueTurtle: (o?: CallOptions) => text(raw.GET('/v1/open-data/catalogue.ttl', { parseAs: 'text', signal: o?.signal })),
    /** `GET /v1/open-data/catalogue.jsonld`: the DCAT-AP 3.0 catalogue in JSON-LD (text). */
    openDataCatalogueJsonLd: (o?: CallOptions) => text(raw.GET('/v1/open-data/catalogue.jsonld', { parseAs: 'text', signal: o?.signal })),

    /**
     * Fetches the latest checkpoint and verifies it with `verifierKey` (pinned; by default the
     * server's — which only proves the server signed it). Throws NoteError when it does not verify.
     */
    async verifiedCheckpoint(verifierKey?: string, o?: CallOptions): Promise<VerifiedCheckpoint> {
      const key = verifierKey ?? (await client.logKey(o));
      return verifyCheckpoint(await client.logCheckpoint(o), [key]);
    },
    /**
     * Proves that the audit event `eventId` is in the log: fetches its inclusion proof against
     * `checkpoint` (a verified one) and verifies it. Resolves with the leaf index.
     */
    async verifyEventInLog(eventId: string, checkpoint: VerifiedCheckpoint, o?: CallOptions): Promise<bigint> {
      const proof = await client.logInclusionProof({ eventId, treeSize: checkpoint.size.toString() }, o);
      const [leaf] = (await client.logLeaves({ start: proof.index, end: (BigInt(proof.index) + 1n).toString() }, o)).leaves;
      expectShape(leaf?.index === proof.index, 'the proven leaf');
      return verifyInclusionProof(proof, checkpoint, fromB64(leaf!.data));
    },
    /** Proves that `newer` extends `older` (both verified checkpoints). */
    async verifyLogConsistency(older: VerifiedCheckpoint, newer: VerifiedCheckpoint, o?: CallOptions): Promise<void> {
      if (older.size === 0n) return; // the empty tree is a prefix of every tree
      const proof = await client.logConsistencyProof({ from: older.size.toString(), to: newer.size.toString() }, o);
      await verifyConsistencyProof(proof, older, newer);
    },
    /** Verifies a receipt with this server's JWKS (fetched now) and, by default, its URL as issuer. */
    async verifyReceipt(jws: string, opts: VerifyReceiptOptions = {}, o?: CallOptions): Promise<VerifiedReceipt> {
      return verifyReceipt(jws, (await client.jwks(o)) as JwkSet, opts);
    },
  };
  return client;
}

/** A client for the public operations (see `createPublicClient`). */
export type PublicClient = ReturnType<typeof createPublicClient>;
