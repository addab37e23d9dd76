/**
 * The rows of the service registry (`services`). The rules — validation, conflicts, audit
 * events — are the operations' in src/services/.
 */
import { inLangOrder, type Localised } from '../domain/catalogue.js';
import { b64url, fromB64, utf8 } from '@permis/sdk/encoding';
import { ValidationError } from '../domain/errors.js';
import { isUuid } from '../domain/ids.js';
import type { Controller, PublicJwks, Service, ServiceStatus } from '../domain/service.js';
import type { Sql } from './db.js';

/** A page of services in id (= creation) order. */
export interface ServicePage {
  items: Service[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

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

/** The service named by `ref` (id or client id), locked for update in `tx`; undefined if none. */
export async function lockService(tx: Sql, ref: string): Promise<Service | undefined> {
  const rows = isUuid(ref)
    ? await tx.query<Raw>(`select ${COLUMNS} from services where id = $1 for update`, [ref])
    : await tx.query<Raw>(`select ${COLUMNS} from services where client_id = $1 for update`, [ref]);
  return rows[0] ? toService(rows[0]) : undefined;
}

/** The fields of a new registry row (already validated). */
export interface NewServiceRow {
  id: string;
  clientId: string;
  name: Localised;
  description: Localised;
  controller: Controller;
  purposes: string[];
  categories: string[];
  processing: string[];
  jwks: PublicJwks;
  now: Date;
}

/** Inserts an active service; a taken client id is a DbError whose `isUniqueViolation` is true. */
export async function insertService(tx: Sql, v: NewServiceRow): Promise<Service> {
  const rows = await tx.query<Raw>(
    `insert into services (id, client_id, name, description, controller, purposes, categories, processing, jwks, status, created_at, updated_at)
     values ($1, $2, $3::jsonb, $4::jsonb, $5::jsonb, $6::text[], $7::text[], $8::text[], $9::jsonb, 'active', $10, $10)
     returning ${COLUMNS}`,
    [v.id, v.clientId, v.name, v.description, v.controller, v.purposes, v.categories, v.processing, v.jwks, v.now],
  );
  return toService(rows[0]!);
}

/** Sets the status of service `id`; returns the row after the change. */
export async function updateServiceStatus(tx: Sql, id: string, status: ServiceStatus, now: Date): Promise<Service> {
  const rows = await tx.query<Raw>(`update services set status = $2, updated_at = $3 where id = $1 returning ${COLUMNS}`, [id, status, now]);
  return toService(rows[0]!);
}

/** Replaces the public JWKS of service `id`; returns the row after the change. */
export async function updateServiceJwks(tx: Sql, id: string, jwks: PublicJwks, now: Date): Promise<Service> {
  const rows = await tx.query<Raw>(`update services set jwks = $2::jsonb, updated_at = $3 where id = $1 returning ${COLUMNS}`, [id, jwks, now]);
  return toService(rows[0]!);
}

/** The registration fields an admin may change. */
export type ServiceFields = Pick<Service, 'name' | 'description' | 'controller' | 'purposes' | 'categories' | 'processing'>;

/** Writes the changeable registration fields of service `id`; returns the row after the change. */
export async function updateServiceFields(tx: Sql, id: string, f: ServiceFields, now: Date): Promise<Service> {
  const rows = await tx.query<Raw>(
    `update services set name = $2::jsonb, description = $3::jsonb, controller = $4::jsonb,
       purposes = $5::text[], categories = $6::text[], processing = $7::text[], updated_at = $8
     where id = $1 returning ${COLUMNS}`,
    [id, f.name, f.description, f.controller, f.purposes, f.categories, f.processing, now],
  );
  return toService(rows[0]!);
}
