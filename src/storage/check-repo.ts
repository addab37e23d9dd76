import type { CheckableConsent } from '../domain/check.js';
import type { ConsentStatus } from '../domain/consent.js';
import type { Sql } from './db.js';

/** Everything a check needs about one subjectRef of one service. */
export interface SubjectFacts {
  subjectRef: string;
  /** The citizen the subjectRef is bound to, if any: they see the check in their access log. */
  citizenId: string | null;
  consents: (CheckableConsent & { citizenId: string })[];
}

interface Row {
  ref: string;
  service_status: string;
  bound_citizen: string | null;
  id: string | null;
  revision: number;
  status: ConsentStatus;
  purposes: string[];
  categories: string[];
  processing: string[];
  valid_until: Date;
  updated_at: Date;
  citizen_id: string;
}

const COLUMNS = `s.status as service_status, b.citizen_id as bound_citizen,
  c.id, c.revision, c.status, c.purposes, c.categories, c.processing, c.valid_until, c.updated_at, c.citizen_id`;

// A single check (the common case) takes the subjectRef as a plain parameter: cheaper to plan
// than unnest($2), and PostgreSQL can reuse one generic plan for it when the statement is
// prepared, where the unnest form is re-planned on every call (bench: ~300 vs ~380 µs a round
// trip unprepared, ~100 vs ~220 µs prepared). Same rows as MANY_SUBJECTS with one element.
const ONE_SUBJECT = `select $2::text as ref, ${COLUMNS}
  from services s
  left join subject_bindings b on b.service_id = s.id and b.subject_ref = $2::text
  left join consents c on c.service_id = s.id and c.subject_ref = $2::text
  where s.id = $1`;

const MANY_SUBJECTS = `select r.ref, ${COLUMNS}
  from services s
  cross join unnest($2::text[]) as r(ref)
  left join subject_bindings b on b.service_id = s.id and b.subject_ref = r.ref
  left join consents c on c.service_id = s.id and c.subject_ref = r.ref
  where s.id = $1`;

/**
 * One round trip for a check or a batch: the service's status and, per subjectRef, its
 * binding and every consent of this service (primary-key and index lookups only). Returns
 * undefined when the service is missing or not active, so a suspended service can never permit.
 */
export async function loadCheckFacts(sql: Sql, serviceId: string, subjectRefs: string[]): Promise<Map<string, SubjectFacts> | undefined> {
  const rows =
    subjectRefs.length === 1
      ? await sql.query<Row>(ONE_SUBJECT, [serviceId, subjectRefs[0]])
      : await sql.query<Row>(MANY_SUBJECTS, [serviceId, subjectRefs]);
  if (rows.length === 0 || rows[0]!.service_status !== 'active') return undefined;
  const out = new Map<string, SubjectFacts>();
  for (const r of rows) {
    let f = out.get(r.ref);
    if (!f) {
      f = { subjectRef: r.ref, citizenId: r.bound_citizen, consents: [] };
      out.set(r.ref, f);
    }
    if (r.id) {
      f.consents.push({
        id: r.id,
        revision: r.revision,
        status: r.status,
        purposes: r.purposes,
        categories: r.categories,
        processing: r.processing,
        validUntil: r.valid_until,
        updatedAt: r.updated_at,
        citizenId: r.citizen_id,
      });
    }
  }
  return out;
}
