/**
 * The witness's HTTP face (c2sp.org/tlog-witness), one Hono app with the submission prefix and
 * the monitoring prefix both at its root:
 * - `POST /add-checkpoint` — cosign a checkpoint (200 cosignature lines; 400/403/404/409/422);
 * - `GET /<hex SHA-256 of the origin>/checkpoint` — the latest checkpoint cosigned for that log,
 *   with the log's signature(s) the witness verified and its own cosignature (404 if none);
 * - `GET /key` — the witness's cosigner vkey (`<name>+<key id>+<base64(0x04 ‖ key)>`);
 * - `GET /` — what it witnesses, as JSON; `GET /healthz` — liveness.
 * Errors other than the 409 are RFC 9457 problems (codes via src/http/problem-table.ts).
 */
import { Hono, type Context } from 'hono';
import { sha256, toHex } from '@permis/sdk/encoding';
import { formatCosignerKey } from '../crypto/cosignature.js';
import { PermisError, type ProblemCode, isProblemCode } from '../domain/errors.js';
import { problemResponse } from './problem.js';
import { witnessRecords } from '../storage/witness-repo.js';
import { addCheckpoint, OldSizeMismatch } from '../witness/add-checkpoint.js';
import type { WitnessDeps } from '../witness/witness-deps.js';

/** c2sp.org/tlog-witness: the media type of the 409 body. */
export const TLOG_SIZE_TYPE = 'text/x.tlog.size';

/** The witness app over `deps`. */
export function createWitnessApp(deps: WitnessDeps): Hono {
  const app = new Hono();
  const limit = deps.bodyLimitBytes ?? 64 * 1024;
  const vkey = formatCosignerKey(deps.cosigner);
  const text = (c: Context, body: string, status: 200 | 409 = 200, type = 'text/plain; charset=utf-8') => c.body(body, status, { 'content-type': type, 'cache-control': 'no-store' });

  app.post('/add-checkpoint', async (c) => {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.length > limit) throw new PermisError('payload_too_large', `The request body is larger than ${limit} bytes.`);
    let body: string;
    try {
      body = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new PermisError('validation_failed', 'Malformed add-checkpoint request: the body is not UTF-8.');
    }
    try {
      return text(c, await addCheckpoint(deps, body));
    } catch (e) {
      // "The response body MUST consist of the tree size of the latest cosigned checkpoint in
      // decimal, followed by a newline … a Content-Type of text/x.tlog.size."
      if (e instanceof OldSizeMismatch) return text(c, `${e.size}\n`, 409, TLOG_SIZE_TYPE);
      throw e;
    }
  });

  app.get('/key', (c) => text(c, `${vkey}\n`));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/', async (c) => {
    const records = new Map((await witnessRecords(deps.db)).map((r) => [r.origin, r]));
    const logs = await Promise.all(
      [...deps.logs.keys()].sort().map(async (origin) => {
        const r = records.get(origin);
        return {
          origin,
          checkpointPath: `/${toHex(await sha256(origin))}/checkpoint`,
          treeSize: r ? r.treeSize.toString() : null,
          cosignedAt: r ? r.cosignedAt.toISOString() : null,
        };
      }),
    );
    return c.json({ name: deps.cosigner.name, key: vkey, logs });
  });

  // "GET <monitoring prefix>/<origin hash>/checkpoint": lowercase hex SHA-256 of the origin.
  app.get('/:hash{[0-9a-f]{64}}/checkpoint', async (c) => {
    const hash = c.req.param('hash');
    for (const r of await witnessRecords(deps.db)) {
      if (toHex(await sha256(r.origin)) === hash) return text(c, r.note);
    }
    throw new PermisError('not_found', 'This witness has never cosigned a checkpoint of that log.');
  });

  app.notFound((c) => problemResponse(c, new PermisError('not_found', 'No such route.')));
  app.onError((err, c) => {
    if (err instanceof PermisError && isProblemCode(err.code)) return problemResponse(c, err as PermisError<ProblemCode>);
    deps.log?.('error', 'witness: unhandled error', { message: err instanceof Error ? err.message : String(err) });
    return problemResponse(c, new PermisError('internal_error', 'Something went wrong on our side.'));
  });
  return app;
}
