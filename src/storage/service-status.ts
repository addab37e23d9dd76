/**
 * Whether a service may act right now. A suspended service's tokens stop working at once,
 * so every authenticated service request asks the database, never a cache.
 */
import { isUuid } from '../domain/ids.js';
import type { Sql } from './db.js';

/**
 * SQL condition that is true when the service whose id is the parameter `param` (e.g.
 * `'$1'`) exists and is active: for routes that fold the status check into their own query
 * (the consent check) instead of calling {@link isServiceActive}. A primary-key lookup.
 */
export const activeServiceCondition = (param: string): string =>
  `exists (select 1 from services where id = ${param}::uuid and status = 'active')`;

/** True when the service `serviceId` exists and is active (one primary-key lookup). */
export async function isServiceActive(sql: Sql, serviceId: string): Promise<boolean> {
  if (!isUuid(serviceId)) return false;
  const rows = await sql.query<{ active: boolean }>(`select ${activeServiceCondition('$1')} as active`, [serviceId]);
  return rows[0]?.active === true;
}
