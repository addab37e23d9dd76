/**
 * The service registry: register, list, read, update, suspend/activate and replace
 * the public JWKS of city services. Every change writes an audit event in the same
 * transaction.
 */
import { parsePublicJwks } from '../crypto/service-jwks.js';
import { canonicalJson } from '../crypto/terms-hash.js';
import { inLangOrder, type Localised } from '../domain/catalogue.js';
import { b64url, fromB64, utf8 } from '@permis/sdk/encoding';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.js';
import { isUuid, uuidv7 } from '../domain/ids.js';
import type { Clock, Random } from '../domain/runtime.js';
import { type Controller, parseServiceInput, type PublicJwks, type Service, type ServiceStatus } from '../domain/service.js';
import { parseServiceUpdate } from '../domain/service-update.js';
import { resolveTerms } from './catalogue-repo.js';
import { type Db, DbError, type Sql } from './db.js';

/** Who is changing the registry, and the clock and randomness to stamp it with. */
export interface RegistryContext {
  clock: Clock;
  random: Random;
  /** The CLI is `{ type: 'admin', id: 'cli' }`. */
  actor: { type: 'admin' | 'system'; id: string };
  requestId?: string;
}

/** A page of services in id (= creation) order. */
export interface ServicePage {
  items: Service[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Audit event types the registry writes. */
export type ServiceAuditType = 'service.registered' | 'service.updated' | 'service.suspended' | 'service.activated' | 'service.jwks_replaced';

interface Raw {
  id: string;
  client_id: string;
  name: Localised;
  description: Localised;
  controller: Controller;
  purposes: string[];
  categories: string[];
  processing: string[];
  jwks: PublicJwks;
  status: ServiceStatus;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, client_id, name, description, controller, purposes, categories, processing, jwks, status, created_at, updated_at';

const toService = (r: Raw): Service => ({
  id: r.id,
  clientId: r.client_id,
  name: inLangOrder(r.name),
  description: inLangOrder(r.description),
  controller: r.controller,
  purposes: r.purposes,
  categories: r.categories,
  processing: r.processing,
  jwks: r.jwks,
  status: r.status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/**
 * Registers a service from `input` (the shape of examples/service.example.json). Throws
 * ValidationError for bad fields or a bad JWKS, `term_unknown` for codes not in the
 * catalogue, and `conflict` (409) when the clientId is taken. Writes `service.registered`.
 */
export async function createService(db: Db, input: unknown, ctx: RegistryContext): Promise<Service> {
  const v = parseServiceInput(input);
  const jwks = await parsePublicJwks(v.jwks);
  await resolveTerms(db, v);
  const now = ctx.clock.now();
  const id = uuidv7(ctx.clock, ctx.random);
  try {
    return await db.transaction(async (tx) => {
      const rows = await tx.query<Raw>(
        `insert into services (id, client_id, name, description, controller, purposes, categories, processing, jwks, status, created_at, updated_at)
         values ($1, $2, $3::jsonb, $4::jsonb, $5::jsonb, $6::text[], $7::text[], $8::text[], $9::jsonb, 'active', $10, $10)
         returning ${COLUMNS}`,
        [id, v.clientId, v.name, v.description, v.controller, v.purposes, v.categories, v.processing, jwks, now],
      );
      const service = toService(rows[0]!);
      await recordServiceEvent(tx, ctx, 'service.registered', service.id, {
        clientId: service.clientId,
        purposes: service.purposes,
        categories: service.categories,
        processing: service.processing,
        kids: jwks.keys.map((k) => k.kid),
      });
      return service;
    });
  } catch (err) {
    if (err instanceof DbError && err.isUniqueViolation) {
      throw new ConflictError('conflict', `A service with clientId "${v.clientId}" already exists.`, { clientId: v.clientId });
    }
    throw err;
  }
}

/** The service with `id`, or undefined (also for a string that is not a UUID). */
export async function getService(sql: Sql, id: string): Promise<Service | undefined> {
  if (!isUuid(id)) return undefined;
  const rows = await sql.query<Raw>(`select ${COLUMNS} from services where id = $1`, [id]);
  return rows[0] ? toService(rows[0]) : undefined;
}

/** The service whose client id is `clientId`, or undefined. */
export async function getServiceByClientId(sql: Sql, clientId: string): Promise<Service | undefined> {
  const rows = await sql.query<Raw>(`select ${COLUMNS} from services where client_id = $1`, [clientId]);
  return rows[0] ? toService(rows[0]) : undefined;
}

/** The service named by `ref`: its id when `ref` is a UUID, else its client id; undefined if none. */
export async function findService(sql: Sql, ref: string): Promise<Service | undefined> {
  return isUuid(ref) ? getService(sql, ref) : getServiceByClientId(sql, ref);
}

/**
 * One page of services in id order, optionally only those with `status`. `limit` is 1…100;
 * a cursor not produced by this function is a ValidationError on `cursor`.
 */
export async function listServices(
  sql: Sql,
  opts: { limit: number; cursor?: string | undefined; status?: ServiceStatus | undefined },
): Promise<ServicePage> {
  const limit = Math.max(1, Math.min(100, Math.trunc(opts.limit)));
  const after = opts.cursor === undefined ? null : decodeCursor(opts.cursor);
  const rows = await sql.query<Raw>(
    `select ${COLUMNS} from services
     where ($1::uuid is null or id > $1::uuid) and ($2::text is null or status = $2::text)
     order by id limit $3`,
    [after, opts.status ?? null, limit + 1],
  );
  const items = rows.slice(0, limit).map(toService);
  const nextCursor = rows.length > limit ? encodeCursor(items[items.length - 1]!.id) : null;
  return { items, nextCursor };
}

/**
 * Sets the status of the service named by `ref` (id or client id). Writes
 * `service.suspended` / `service.activated` when the status changes; setting the current
 * status again changes nothing. Throws NotFoundError when there is no such service.
 * `reason`, when given, is written to the audit event.
 */
export async function setServiceStatus(
  db: Db,
  ref: string,
  status: ServiceStatus,
  ctx: RegistryContext,
  reason?: string,
): Promise<{ service: Service; changed: boolean }> {
  return db.transaction(async (tx) => {
    const current = await lockService(tx, ref);
    if (current.status === status) return { service: current, changed: false };
    const rows = await tx.query<Raw>(`update services set status = $2, updated_at = $3 where id = $1 returning ${COLUMNS}`, [
      current.id,
      status,
      ctx.clock.now(),
    ]);
    const service = toService(rows[0]!);
    await recordServiceEvent(tx, ctx, status === 'suspended' ? 'service.suspended' : 'service.activated', service.id, {
      clientId: service.clientId,
      from: current.status,
      to: status,
      ...(reason === undefined ? {} : { reason }),
    });
    return { service, changed: true };
  });
}

/**
 * Replaces the public JWKS of the service named by `ref` after validating it (public keys
 * only, each with a kid; an empty set is allowed). Writes `service.jwks_replaced`.
 */
export async function setServiceJwks(db: Db, ref: string, jwks: unknown, ctx: RegistryContext): Promise<Service> {
  const parsed = await parsePublicJwks(jwks);
  return db.transaction(async (tx) => {
    const current = await lockService(tx, ref);
    const rows = await tx.query<Raw>(`update services set jwks = $2::jsonb, updated_at = $3 where id = $1 returning ${COLUMNS}`, [
      current.id,
      parsed,
      ctx.clock.now(),
    ]);
    const service = toService(rows[0]!);
    await recordServiceEvent(tx, ctx, 'service.jwks_replaced', service.id, {
      clientId: service.clientId,
      previousKids: current.jwks.keys.map((k) => k.kid),
      kids: parsed.keys.map((k) => k.kid),
    });
    return service;
  });
}

/**
 * Changes the name, description, controller or allowed codes of the service named by `ref`
 * (id or client id), with the registration's field rules (see domain/service-update.ts).
 * Throws ValidationError for bad fields, `term_unknown` for codes not in the catalogue and
 * NotFoundError for no such service. Writes `service.updated` with the previous and new
 * values of what changed; a change that changes nothing writes nothing.
 */
export async function updateService(db: Db, ref: string, input: unknown, ctx: RegistryContext): Promise<Service> {
  const update = parseServiceUpdate(input);
  await resolveTerms(db, update);
  return db.transaction(async (tx) => {
    const current = await lockService(tx, ref);
    const next = { ...current, ...update };
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const f of ['name', 'description', 'controller', 'purposes', 'categories', 'processing'] as const) {
      if (canonicalJson(current[f]) !== canonicalJson(next[f])) changes[f] = { from: current[f], to: next[f] };
    }
    if (Object.keys(changes).length === 0) return current;
    const rows = await tx.query<Raw>(
      `update services set name = $2::jsonb, description = $3::jsonb, controller = $4::jsonb,
         purposes = $5::text[], categories = $6::text[], processing = $7::text[], updated_at = $8
       where id = $1 returning ${COLUMNS}`,
      [current.id, next.name, next.description, next.controller, next.purposes, next.categories, next.processing, ctx.clock.now()],
    );
    const service = toService(rows[0]!);
    await recordServiceEvent(tx, ctx, 'service.updated', service.id, { clientId: service.clientId, changes });
    return service;
  });
}

/** Opaque cursor for the page after `id`. */
const encodeCursor = (id: string): string => b64url(utf8(id));

function decodeCursor(cursor: string): string {
  let id = '';
  try {
    if (cursor.length <= 64) id = new TextDecoder('utf-8', { fatal: true }).decode(fromB64(cursor));
  } catch {
    id = '';
  }
  if (!isUuid(id)) {
    throw new ValidationError('cursor: not a cursor returned by this list', [{ field: 'cursor', message: 'not a cursor returned by this list' }]);
  }
  return id.toLowerCase();
}

async function lockService(tx: Sql, ref: string): Promise<Service> {
  const rows = isUuid(ref)
    ? await tx.query<Raw>(`select ${COLUMNS} from services where id = $1 for update`, [ref])
    : await tx.query<Raw>(`select ${COLUMNS} from services where client_id = $1 for update`, [ref]);
  if (!rows[0]) throw new NotFoundError('service');
  return toService(rows[0]);
}

async function recordServiceEvent(
  tx: Sql,
  ctx: RegistryContext,
  type: ServiceAuditType,
  serviceId: string,
  data: Record<string, unknown>,
): Promise<void> {
  await tx.query(
    `insert into audit_events (id, type, actor_type, actor_id, service_id, request_id, data, created_at)
     values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
    [uuidv7(ctx.clock, ctx.random), type, ctx.actor.type, ctx.actor.id, serviceId, ctx.requestId ?? null, data, ctx.clock.now()],
  );
}
