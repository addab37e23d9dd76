/**
 * The officer asking, and the rule every officer query obeys: it is itself an audit event
 * (actor_type `officer`), committed before the answer leaves. The operations of this folder
 * are the only callers, so the API and the portal cannot differ on it.
 */
import type { AppDeps } from '../core/deps.js';
import { type OfficerAuditType, recordOfficerQuery } from '../storage/officer-audit.js';

/** Who is asking: the officer's citizen id and the request it came with. */
export interface OfficerActor {
  officerId: string;
  requestId?: string | undefined;
}

/** Records `query` as the officer's audit event of `type` (on the primary) and resolves once committed. */
export function auditOfficerQuery(deps: AppDeps, officer: OfficerActor, type: OfficerAuditType, query: Record<string, unknown>): Promise<string> {
  return recordOfficerQuery(deps.db, { clock: deps.clock, random: deps.random, ...officer }, type, query);
}
