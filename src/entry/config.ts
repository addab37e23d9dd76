import { z } from 'zod';
import { parseReminderDays } from '../domain/notifications.js';

const base64url32 = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes encoded as base64url (43 characters)');

const privateJwk = z
  .string()
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON private JWK' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string(), d: z.string(), kid: z.string().optional() })
      .loose(),
  );

/** Every environment variable Permís reads, with defaults; the README's table mirrors this. */
export const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  // Worker processes serving one port (node:cluster); more than 1 needs DATABASE_URL.
  WORKERS: z.coerce.number().int().min(1).max(256).default(1),
  // How long a stopping server lets requests in progress finish before closing their connections.
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  DATABASE_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(3000),
  DATABASE_READ_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_READ_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  DATABASE_SYNC_STANDBY: z.enum(['require', 'warn']).default('require'),
  LOG_ORIGIN: z
    .string()
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .refine((s) => !s.includes('+') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(s), 'must be a schema-less name without "+", e.g. permis.example.cat')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  RP_NAME: z.string().min(1).max(64).default('Permís'),
  KEY_ENCRYPTION_KEY: base64url32.optional(),
  PAIRWISE_SECRET: base64url32.optional(),
  RECEIPT_SIGNING_KEY: privateJwk.optional(),
  TOKEN_SIGNING_KEY: privateJwk.optional(),
  CHECKPOINT_SIGNING_KEY: privateJwk.optional(),
  SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(30 * 86400).default(8 * 3600),
  CHALLENGE_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(256 * 1024),
  TIME_ZONE: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Madrid')
    .default('Europe/Madrid'),
  JURISDICTION: z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'must be an ISO 3166 code such as ES or ES-CT').default('ES'),
  EXPIRY_SWEEP_SECONDS: z.coerce.number().int().min(1).max(86400).default(60),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  // Citizens' notifications (docs/notifications.md).
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z
    .string()
    .max(254)
    .regex(/^[^\r\n]*@[^\r\n]*$/, 'must be a mailbox such as "Permís <no-reply@example.cat>"')
    .optional(),
  MAIL_HTTP_URL: z.url({ protocol: /^https?$/ }).optional(),
  MAIL_HTTP_TOKEN: z.string().min(1).optional(),
  REMINDER_DAYS: z
    .string()
    .transform((s, ctx) => {
      const days = parseReminderDays(s);
      if (!days) {
        ctx.addIssue({ code: 'custom', message: 'must be whole days between 1 and 365, separated by commas, e.g. 30,7' });
        return z.NEVER;
      }
      return days;
    })
    .default([30, 7]),
  // Open data (docs/open-data.md): the threshold k, the default ε (none: no noise), the licence and publisher of the catalogue.
  OPEN_DATA_K: z.coerce.number().int().min(2).max(1000).default(10),
  OPEN_DATA_EPSILON: z.coerce.number().positive().max(100).optional(),
  OPEN_DATA_LICENSE: z.url({ protocol: /^https?$/ }).optional(),
  OPEN_DATA_PUBLISHER: z.string().trim().min(1).max(200).optional(),
  OPEN_DATA_PUBLISHER_URL: z.url({ protocol: /^https?$/ }).optional(),
  OPEN_DATA_CONTACT: z.email().optional(),
  // Webhook delivery to private and loopback addresses (src/entry/webhook-fetch.ts); default:
  // allowed only when the public URL is itself on this machine (a development server).
  WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  // Turns on metrics and /metrics (Prometheus text format), which then requires this bearer token.
  WITNESS_POLICY: z.string().min(1).optional(),
  METRICS_TOKEN: z.string().regex(/^[\x21-\x7e]{32,}$/, 'must be at least 32 printable characters without spaces').optional(),
});

/** The validated environment. */
export type Env = z.infer<typeof envSchema>;

/** Raised when a variable is invalid; the message names every offending variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Validates `env` (normally `process.env`) and returns the configuration, or throws ConfigError. */
export function parseEnv(env: Record<string, string | undefined>): Env {
  // Treat empty strings as unset, as shells and .env files often produce them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = envSchema.safeParse(cleaned);
  if (!r.success) {
    // One line, every offending variable named.
    const parts = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${parts.join('; ')}`);
  }
  return r.data;
}

/** The public origin: PUBLIC_URL, or http://localhost:<PORT>. */
export function publicUrlOf(env: Env): string {
  return (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
}

/**
 * Whether webhooks may go to private and loopback addresses: WEBHOOK_ALLOW_PRIVATE, else only
 * when the public URL's host is loopback (`npm start` on a laptop, local receivers).
 */
export function webhookAllowPrivate(env: Env): boolean {
  if (env.WEBHOOK_ALLOW_PRIVATE !== undefined) return env.WEBHOOK_ALLOW_PRIVATE;
  return ['localhost', '127.0.0.1', '[::1]'].includes(new URL(publicUrlOf(env)).hostname);
}

/** The database timeouts of the primary pool (src/storage/pg-pool.ts). */
export function databaseTimeouts(env: Env): { connectMs: number; acquireMs: number; statementMs: number } {
  return { connectMs: env.DATABASE_CONNECT_TIMEOUT_MS, acquireMs: env.DATABASE_ACQUIRE_TIMEOUT_MS, statementMs: env.DATABASE_STATEMENT_TIMEOUT_MS };
}
