/**
 * What a witness (`permis witness`) runs on: its database, its clock, its cosigning key and the
 * logs it witnesses (origin → the log's trusted checkpoint keys).
 */
import type { Cosigner } from '../crypto/cosignature.js';
import type { NoteVerifier } from '../crypto/signed-note.js';
import type { Clock } from '../domain/runtime.js';
import type { Db } from '../storage/db.js';

/** The witness's dependencies, passed in by src/entry/witness.ts (or a test). */
export interface WitnessDeps {
  db: Db;
  clock: Clock;
  cosigner: Cosigner;
  /** The logs this witness accepts checkpoints of: origin → the log's verifier keys. */
  logs: ReadonlyMap<string, readonly NoteVerifier[]>;
  /** Largest request body read, in bytes; default 64 KiB. */
  bodyLimitBytes?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}
