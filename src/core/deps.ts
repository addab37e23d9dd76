/**
 * The kernel types every operation receives: settings and dependencies, all passed in by the
 * composition root (`src/entry/`), never looked up.
 */
import type { KeyRing } from '../crypto/key-ring.js';
import type { SyncSha256 } from '../crypto/merkle/index.js';
import type { Clock, Random } from '../domain/runtime.js';
import type { Db } from '../storage/db.js';
import type { NotificationConfig } from '../notifications/notification-config.js';
import type { OpenDataConfig } from '../open-data/open-data-config.js';
import type { DocsAssets } from './docs-assets.js';
import type { Metrics } from './metrics.js';
import type { Policy } from '@permis/sdk/verify';

/** Settings the core needs; built and validated only in `src/entry/`. */
export interface AppConfig {
  /** Public origin, e.g. `https://permis.barcelona.cat`; WebAuthn origin, issuer and links. */
  publicUrl: string;
  /** WebAuthn relying-party id (the public URL's host name). */
  rpId: string;
  /** Relying-party name shown by authenticators. */
  rpName: string;
  /** Session lifetime in seconds. */
  sessionTtlSeconds: number;
  /** WebAuthn challenge lifetime in seconds. */
  challengeTtlSeconds: number;
  /** Largest accepted request body in bytes. */
  bodyLimitBytes: number;
  /** Jurisdiction written into consents and receipts (e.g. `ES`). */
  jurisdiction: string;
  /** Secret for pairwise subject identifiers (HMAC-SHA-256 key, ≥ 32 bytes). */
  pairwiseSecret: Uint8Array;
  /** IANA time zone in which the portal shows times; default `Europe/Madrid`. */
  timeZone?: string;
  /** Citizens' notifications: reminder thresholds, the keys of e-mail addresses and links, the sender. */
  notifications?: NotificationConfig;
  /** Bearer token that `/metrics` requires (METRICS_TOKEN); without it `/metrics` is a 404. */
  metricsToken?: string;
  /**
   * The transparency log's origin (and checkpoint key name) to use when the log is created;
   * default: the public URL without its scheme. Once the first checkpoint is signed, the stored
   * origin is the log's (src/log/log-origin.ts).
   */
  logOrigin?: string;
  /** Open-data releases and their catalogue (threshold, noise, licence, publisher); defaults in src/open-data/open-data-config.ts. */
  openData?: Partial<OpenDataConfig>;
  /**
   * The witness policy (c2sp.org/tlog-policy, WITNESS_POLICY): its witnesses with a URL get
   * each published checkpoint to cosign; its quorum decides `GET /v1/log/checkpoint/witnessed`.
   */
  witnesses?: Policy;
}

/** Where unexpected errors are reported; never shown to callers. */
export type LogFn = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

/** Everything an operation (and the app factory) receives: storage, keys, time and randomness are passed in. */
export interface AppDeps {
  db: Db;
  /**
   * Where reads that tolerate staleness go (officer search, stats and export; public log
   * reads): a standby's pool when one is configured, else `db`. Never for anything that must
   * see its own or another request's latest write.
   */
  readDb?: Db;
  keys: KeyRing;
  clock: Clock;
  random: Random;
  config: AppConfig;
  /**
   * A synchronous SHA-256 (FIPS 180-4) that a runtime entry may inject for the log's many
   * hashes (integrator, proofs, leaves): the Node entry passes `node:crypto`'s; without it,
   * WebCrypto (a promise per hash). The same digests either way.
   */
  sha256?: SyncSha256;
  /** The API reference's page and assets for `/docs` (docs-page.ts); without it `/docs` is a 404. */
  docs?: Promise<DocsAssets>;
  /** Where operations and jobs record metrics (src/core/metric-catalogue.ts); none: nothing is recorded. */
  metrics?: Metrics;
  /** The Prometheus text exposition of `metrics`, for `/metrics` (the Node entry's prom-client registry). */
  metricsExposition?: { contentType: string; render(): Promise<string> };
  /** Where unexpected errors are reported; never shown to callers. */
  log?: LogFn;
}

/** The authenticated citizen an operation acts for (a session of theirs). */
export interface CitizenPrincipal {
  citizenId: string;
  sessionId: string;
}

/** The authenticated city service an operation acts for (an access token of theirs). */
export interface ServicePrincipal {
  serviceId: string;
  clientId: string;
  scopes: string[];
}
