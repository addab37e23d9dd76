/**
 * Global setup of the conformance suite: a throwaway PostgreSQL database, migrated, with a
 * registered service and its key and an officer invitation made with the CLI before the server
 * starts; then the target of `CONFORMANCE_TARGET` (node | worker). Everything is stopped and
 * dropped at teardown.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { cli, createDatabase, databaseUrl, dropDatabase, freePort, newKek, type Server, startNode, startWorker } from './processes.js';

export type ConformanceTarget = 'node' | 'worker';

declare module 'vitest' {
  export interface ProvidedContext {
    conformance: { target: ConformanceTarget; baseUrl: string; clientId: string; serviceKey: string; officerCode: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const target = process.env.CONFORMANCE_TARGET;
  if (target !== 'node' && target !== 'worker') throw new Error('set CONFORMANCE_TARGET=node or CONFORMANCE_TARGET=worker');
  const started = Date.now();
  const db = await createDatabase('conf');
  let server: Server | undefined;
  const teardown = async () => {
    await server?.stop();
    await dropDatabase(db);
  };
  try {
    const url = databaseUrl(db);
    const kek = newKek();
    const dir = await mkdtemp(join(tmpdir(), 'permis-conf-'));
    const env = { DATABASE_URL: url, KEY_ENCRYPTION_KEY: kek, DATA_DIR: dir };
    await cli(env, 'migrate');
    await cli(env, 'services', 'add', '--file', 'examples/service.example.json');
    const keyFile = join(dir, 'service-key.json');
    await cli(env, 'services', 'keygen', 'ajuts-energia', '--out', keyFile);
    const officerCode = (JSON.parse(await cli(env, 'admin', 'invite', '--role', 'officer', '--json')) as { code: string }).code;
    const port = await freePort();
    server = target === 'node' ? await startNode({ name: 'node', port, databaseUrl: url, kek }) : await startWorker({ port, databaseUrl: url, kek });
    process.stdout.write(`conformance: ${target} ready at ${server.baseUrl} on database ${db} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    project.provide('conformance', { target, baseUrl: server.baseUrl, clientId: 'ajuts-energia', serviceKey: await readFile(keyFile, 'utf8'), officerCode });
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
