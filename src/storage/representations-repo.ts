/**
 * Rows of representation relationships and their revisions. Reads and writes only; the rules
 * live in src/domain/representation.ts and src/representation/.
 */
import type { RepresentationAction, RepresentationKind, RepresentationStatus } from '../domain/representation.js';
import type { Sql } from './db.js';

/** A relationship as stored. */
export interface RepresentationRow {
  id: string;
  kind: RepresentationKind;
  representedId: string;
  representativeId: string;
  status: RepresentationStatus;
  revision: number;
  services: string[] | null;
  actions: RepresentationAction[];
  assistance: boolean;
  evidenceRef: string | null;
  birthDate: string | null;
  validFrom: Date;
  validUntil: Date | null;
  recordedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  endedAt: Date | null;
  endReason: string | null;
}

interface Raw {
  id: string;
  kind: RepresentationKind;
  represented_id: string;
  representative_id: string;
  status: RepresentationStatus;
  revision: number;
  services: string[] | null;
  actions: RepresentationAction[];
  assistance: boolean;
  evidence_ref: string | null;
  birth_date: string | null;
  valid_from: Date;
  valid_until: Date | null;
  recorded_by: string | null;
  created_at: Date;
  updated_at: Date;
  ended_at: Date | null;
  end_reason: string | null;
}

const COLUMNS = `id, kind, represented_id, representative_id, status, revision, services, actions, assistance, evidence_ref,
  to_char(birth_date, 'YYYY-MM-DD') as birth_date, valid_from, valid_until, recorded_by, created_at, updated_at, ended_at, end_reason`;

const toRow = (r: Raw): RepresentationRow => ({
  id: r.id,
  kind: r.kind,
  representedId: r.represented_id,
  representativeId: r.representative_id,
  status: r.status,
  revision: r.revision,
  services: r.services,
  actions: r.actions,
  assistance: r.assistance,
  evidenceRef: r.evidence_ref,
  birthDate: r.birth_date,
  validFrom: new Date(r.valid_from),
  validUntil: r.valid_until ? new Date(r.valid_until) : null,
  recordedBy: r.recorded_by,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
  endedAt: r.ended_at ? new Date(r.ended_at) : null,
  endReason: r.end_reason,
});

/** Inserts a new relationship (revision 1). */
export async function insertRepresentation(sql: Sql, r: RepresentationRow): Promise<void> {
  await sql.query(
    `insert into representations (id, kind, represented_id, representative_id, status, revision, services, actions, assistance, evidence_ref,
       birth_date, valid_from, valid_until, recorded_by, created_at, updated_at, ended_at, end_reason)
     values ($1,$2,$3,$4,$5,$6,$7::uuid[],$8::text[],$9,$10,$11::date,$12,$13,$14,$15,$16,$17,$18)`,
    [r.id, r.kind, r.representedId, r.representativeId, r.status, r.revision, r.services, r.actions, r.assistance, r.evidenceRef, r.birthDate,
      r.validFrom, r.validUntil, r.recordedBy, r.createdAt, r.updatedAt, r.endedAt, r.endReason],
  );
}

/**
 * Writes the new state of a relationship if it is still at `prevRevision` (optimistic check
 * on top of the row lock); false when someone else changed it first.
 */
export async function updateRepresentation(sql: Sql, r: RepresentationRow, prevRevision: number): Promise<boolean> {
  const rows = await sql.query(
    `update representations set status = $2, revision = $3, services = $4::uuid[], actions = $5::text[], valid_until = $6,
       updated_at = $7, ended_at = $8, end_reason = $9
     where id = $1 and revision = $10 returning id`,
    [r.id, r.status, r.revision, r.services, r.actions, r.validUntil, r.updatedAt, r.endedAt, r.endReason, prevRevision],
  );
  return rows.length === 1;
}

/** The relationship with `id`; with `lock`, its row stays locked (`for update`) until the transaction ends. */
export async function findRepresentation(sql: Sql, id: string, lock = false): Promise<RepresentationRow | undefined> {
  const rows = await sql.query<Raw>(`select ${COLUMNS} from representations where id = $1${lock ? ' for update' : ''}`, [id]);
  return rows[0] ? toRow(rows[0]) : undefined;
}

/** Every relationship in which the citizen is the representative or the represented person, newest first. */
export async function listCitizenRepresentations(sql: Sql, citizenId: string): Promise<RepresentationRow[]> {
  const rows = await sql.query<Raw>(
    `select ${COLUMNS} from representations where representative_id = $1 or represented_id = $1 order by id desc limit 500`,
    [citizenId],
  );
  return rows.map(toRow);
}

/** The relationships through which `representativeId` may represent `representedId` (any status), newest first. */
export async function findRepresentationsBetween(sql: Sql, representativeId: string, representedId: string): Promise<RepresentationRow[]> {
  const rows = await sql.query<Raw>(
    `select ${COLUMNS} from representations where representative_id = $1 and represented_id = $2 order by id desc`,
    [representativeId, representedId],
  );
  return rows.map(toRow);
}

/** The relationships of a represented person in the given statuses (all holders), oldest first. */
export async function listRepresentationsOf(sql: Sql, representedId: string, statuses: readonly RepresentationStatus[]): Promise<RepresentationRow[]> {
  const rows = await sql.query<Raw>(`select ${COLUMNS} from representations where represented_id = $1 and status = any($2::text[]) order by id`, [
    representedId,
    statuses,
  ]);
  return rows.map(toRow);
}

/** Filters of the officer's list of relationships. */
export interface RepresentationFilter {
  status?: RepresentationStatus | undefined;
  kind?: RepresentationKind | undefined;
  citizenId?: string | undefined;
  /** Only active relationships whose end date falls before this moment. */
  endingBefore?: Date | undefined;
  before?: string | undefined;
  limit: number;
}

/** Relationships for officers, newest first (or soonest ending first with `endingBefore`). */
export async function searchRepresentations(sql: Sql, f: RepresentationFilter): Promise<RepresentationRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (f.status) add('status = ?', f.status);
  if (f.kind) add('kind = ?', f.kind);
  if (f.citizenId) {
    params.push(f.citizenId);
    where.push(`(representative_id = $${params.length} or represented_id = $${params.length})`);
  }
  if (f.endingBefore) {
    add('valid_until <= ?', f.endingBefore);
    where.push(`status = 'active'`);
  }
  if (f.before) add('id < ?', f.before);
  params.push(f.limit);
  const order = f.endingBefore ? 'valid_until, id desc' : 'id desc';
  const rows = await sql.query<Raw>(
    `select ${COLUMNS} from representations ${where.length ? `where ${where.join(' and ')}` : ''} order by ${order} limit $${params.length}`,
    params,
  );
  return rows.map(toRow);
}

/** Active relationships whose end (end date or 14th birthday, kept in valid_until) has passed: the sweep's work. */
export async function listLapsedRepresentations(sql: Sql, now: Date, limit: number): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(`select id from representations where status = 'active' and valid_until <= $1 order by valid_until limit $2`, [now, limit]);
  return rows.map((r) => r.id);
}

/** One revision of a relationship. */
export interface RepresentationRevision {
  representationId: string;
  revision: number;
  event: string;
  status: RepresentationStatus;
  snapshot: Record<string, unknown>;
  actorType: string;
  actorId: string | null;
  createdAt: Date;
}

/** Appends a revision. */
export async function insertRepresentationRevision(sql: Sql, r: RepresentationRevision): Promise<void> {
  await sql.query(
    `insert into representation_revisions (representation_id, revision, event, status, snapshot, actor_type, actor_id, created_at)
     values ($1,$2,$3,$4,$5::jsonb,$6,$7,$8)`,
    [r.representationId, r.revision, r.event, r.status, r.snapshot, r.actorType, r.actorId, r.createdAt],
  );
}

/** The revisions of a relationship, oldest first. */
export async function listRepresentationRevisions(sql: Sql, id: string): Promise<RepresentationRevision[]> {
  const rows = await sql.query<{ representation_id: string; revision: number; event: string; status: RepresentationStatus; snapshot: Record<string, unknown>; actor_type: string; actor_id: string | null; created_at: Date }>(
    'select * from representation_revisions where representation_id = $1 order by revision',
    [id],
  );
  return rows.map((r) => ({
    representationId: r.representation_id,
    revision: r.revision,
    event: r.event,
    status: r.status,
    snapshot: r.snapshot,
    actorType: r.actor_type,
    actorId: r.actor_id,
    createdAt: new Date(r.created_at),
  }));
}

/** Creates a profile managed by representatives: a citizen row without passkeys. */
export async function insertManagedProfile(sql: Sql, p: { id: string; webauthnUserId: string; displayName: string; createdAt: Date }): Promise<void> {
  await sql.query('insert into citizens (id, webauthn_user_id, display_name, created_at, managed) values ($1, $2, $3, $4, true)', [
    p.id,
    p.webauthnUserId,
    p.displayName,
    p.createdAt,
  ]);
}

/** Display name and whether the profile is managed, for the citizens in `ids`. */
export async function citizenNames(sql: Sql, ids: readonly string[]): Promise<Map<string, { displayName: string; managed: boolean }>> {
  if (ids.length === 0) return new Map();
  const rows = await sql.query<{ id: string; display_name: string; managed: boolean }>(
    'select id, display_name, managed from citizens where id = any($1::uuid[]) and erased_at is null',
    [[...new Set(ids)]],
  );
  return new Map(rows.map((r) => [r.id, { displayName: r.display_name, managed: r.managed }]));
}
