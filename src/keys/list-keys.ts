import type { KeyUse } from '../crypto/key-ring.js';
import type { Sql } from '../storage/db.js';
import { readKeyRows } from '../storage/signing-keys-repo.js';

/** What may be shown about a key: no private material, sealed or not. */
export interface KeyInfo {
  kid: string;
  use: KeyUse;
  status: 'active' | 'retired';
  createdAt: Date;
  retiredAt: Date | null;
}

/** Every signing key's public facts, for listings (CLI); never any private part. */
export async function listKeys(sql: Sql): Promise<KeyInfo[]> {
  return (await readKeyRows(sql)).map((r) => ({ kid: r.kid, use: r.use, status: r.status, createdAt: r.createdAt, retiredAt: r.retiredAt }));
}
