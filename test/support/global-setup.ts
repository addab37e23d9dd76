/** Vitest global setup of `npm test`: the PGlite snapshots test databases start from. */
import { ensureSnapshots } from './pglite-snapshot.js';

export default async function setup(): Promise<void> {
  if (!process.env.TEST_DATABASE_URL) await ensureSnapshots();
}
