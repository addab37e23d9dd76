/**
 * Webhook endpoints: one URL and signing secret per service, with the previous
 * secret kept for a grace period after a rotation.
 */
import type { Sql } from './db.js';

/** A service's webhook endpoint as stored (secrets included: never show them in a view). */
export interface WebhookEndpoint {
  serviceId: string;
  url: string;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  secretRotatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

interface Raw {
  service_id: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  secret_rotated_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'service_id, url, secret, previous_secret, previous_secret_expires_at, secret_rotated_at, created_at, updated_at';

const toEndpoint = (r: Raw): WebhookEndpoint => ({
  serviceId: r.service_id,
  url: r.url,
  secret: r.secret,
  previousSecret: r.previous_secret,
  previousSecretExpiresAt: r.previous_secret_expires_at,
  secretRotatedAt: r.secret_rotated_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The secrets that sign a delivery at `now`: the current one, then the previous one while its grace period lasts. */
export function signingSecrets(e: Pick<WebhookEndpoint, 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>, now: Date): string[] {
  const live = e.previousSecret !== null && e.previousSecretExpiresAt !== null && e.previousSecretExpiresAt.getTime() > now.getTime();
  return live ? [e.secret, e.previousSecret!] : [e.secret];
}

/** The endpoint of `serviceId`, or undefined; `forUpdate` locks the row in the caller's transaction. */
export async function getWebhookEndpoint(sql: Sql, serviceId: string, opts: { forUpdate?: boolean } = {}): Promise<WebhookEndpoint | undefined> {
  const rows = await sql.query<Raw>(`select ${COLUMNS} from webhook_endpoints where service_id = $1${opts.forUpdate ? ' for update' : ''}`, [
    serviceId,
  ]);
  return rows[0] ? toEndpoint(rows[0]) : undefined;
}

/** Inserts the endpoint unless the service already has one; returns it, or undefined when one existed. */
export async function insertWebhookEndpoint(
  sql: Sql,
  e: { serviceId: string; url: string; secret: string; now: Date },
): Promise<WebhookEndpoint | undefined> {
  const rows = await sql.query<Raw>(
    `insert into webhook_endpoints (service_id, url, secret, created_at, updated_at) values ($1, $2, $3, $4, $4)
     on conflict (service_id) do nothing returning ${COLUMNS}`,
    [e.serviceId, e.url, e.secret, e.now],
  );
  return rows[0] ? toEndpoint(rows[0]) : undefined;
}

/** Changes the URL of an existing endpoint; the secrets stay. Returns it, or undefined if there is none. */
export async function updateWebhookUrl(sql: Sql, serviceId: string, url: string, now: Date): Promise<WebhookEndpoint | undefined> {
  const rows = await sql.query<Raw>(`update webhook_endpoints set url = $2, updated_at = $3 where service_id = $1 returning ${COLUMNS}`, [
    serviceId,
    url,
    now,
  ]);
  return rows[0] ? toEndpoint(rows[0]) : undefined;
}

/**
 * Makes `secret` the current secret; the replaced one becomes the previous secret until
 * `previousExpiresAt` (an older previous secret is dropped). Returns the endpoint, or
 * undefined if there is none.
 */
export async function rotateWebhookSecret(
  sql: Sql,
  serviceId: string,
  secret: string,
  now: Date,
  previousExpiresAt: Date,
): Promise<WebhookEndpoint | undefined> {
  const rows = await sql.query<Raw>(
    `update webhook_endpoints
        set previous_secret = secret, previous_secret_expires_at = $4, secret = $2, secret_rotated_at = $3, updated_at = $3
      where service_id = $1 returning ${COLUMNS}`,
    [serviceId, secret, now, previousExpiresAt],
  );
  return rows[0] ? toEndpoint(rows[0]) : undefined;
}

/** Deletes the endpoint and its secrets; true if there was one. */
export async function deleteWebhookEndpoint(sql: Sql, serviceId: string): Promise<boolean> {
  const rows = await sql.query(`delete from webhook_endpoints where service_id = $1 returning service_id`, [serviceId]);
  return rows.length > 0;
}
