/** Private keys stay out of git: `services keygen` writes 0600 files outside the checkout by default. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutHolding, defaultKeyFile, writeKeyFile } from '../src/entry/cli/key-file.js';
import { runServicesCommand } from '../src/entry/cli/services.js';
import { getServiceByClientId } from '../src/storage/services-repo.js';
import { createTestContext, type TestContext } from './support/harness.js';

const repoRoot = new URL('..', import.meta.url).pathname;
const example = readFileSync(new URL('../examples/service.example.json', import.meta.url), 'utf8');

describe('key files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'permis-keys-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('.gitignore covers the key files keygen and the docs name', () => {
    for (const name of ['service-key.json', 'ajuts-energia-key.json', 'sdk/examples/key.json', 'x.key.json', 'key.json', 'tls.pem']) {
      // git check-ignore exits 0 when the path is ignored (without needing the file to exist).
      expect(() => execFileSync('git', ['check-ignore', '-q', '--no-index', name], { cwd: repoRoot }), name).not.toThrow();
    }
    expect(() => execFileSync('git', ['check-ignore', '-q', '--no-index', 'examples/jwks.example.json'], { cwd: repoRoot })).toThrow();
  });

  it('defaults to the XDG configuration directory, outside any checkout', () => {
    expect(defaultKeyFile('ajuts-energia', { XDG_CONFIG_HOME: '/home/x/.config' })).toBe('/home/x/.config/permis/keys/ajuts-energia-key.json');
    expect(defaultKeyFile('a', { HOME: '/h' })).toMatch(/\/\.config\/permis\/keys\/a-key\.json$/);
  });

  it('writes mode 0600 in a new 0700 directory, never over an existing file, and warns inside a checkout', async () => {
    const outside = join(dir, 'conf', 'permis', 'keys', 'a-key.json');
    expect(await writeKeyFile(outside, '{"d":"secret"}\n')).toBeUndefined();
    expect(statSync(outside).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'conf', 'permis', 'keys')).mode & 0o777).toBe(0o700);
    await expect(writeKeyFile(outside, 'other')).rejects.toThrow(/exists already/);
    expect(readFileSync(outside, 'utf8')).toBe('{"d":"secret"}\n');

    const checkout = join(dir, 'checkout');
    mkdirSync(join(checkout, '.git'), { recursive: true });
    const inside = join(checkout, 'service-key.json');
    expect(checkoutHolding(inside)).toBe(checkout);
    expect(await writeKeyFile(inside, '{}')).toMatch(/inside the git checkout .*checkout\. \.gitignore ignores \*-key\.json/);
    expect(statSync(inside).mode & 0o777).toBe(0o600);
  });

  describe('services keygen', () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await createTestContext();
    });
    afterAll(async () => ctx?.close());

    it('without --out writes the default file and adds the public half to the JWKS', async () => {
      const out: string[] = [];
      const err: string[] = [];
      const base = { db: ctx.db, clock: ctx.clock, random: ctx.deps.random, out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
      const ctxFiles = {
        ...base,
        readFile: async () => example,
        writeSecretFile: writeKeyFile,
        defaultKeyFile: (clientId: string) => join(dir, 'default', `${clientId}-key.json`),
      };
      expect(await runServicesCommand(['services', 'add', '--file', 'svc.json'], ctxFiles)).toBe(0);
      expect(await runServicesCommand(['services', 'keygen', 'ajuts-energia'], ctxFiles)).toBe(0);
      const file = join(dir, 'default', 'ajuts-energia-key.json');
      const jwk = JSON.parse(readFileSync(file, 'utf8')) as { d?: string; kid: string };
      expect(jwk.d).toBeTruthy();
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(err).toEqual([]);
      expect(out.at(-1)).toContain(file);
      const service = await getServiceByClientId(ctx.db, 'ajuts-energia');
      expect(service?.jwks.keys.map((k) => k.kid)).toContain(jwk.kid);
      // A second keygen to the same file is refused and leaves the key in place.
      expect(await runServicesCommand(['services', 'keygen', 'ajuts-energia'], ctxFiles)).toBe(1);
      expect(err.join('\n')).toMatch(/exists already/);
    });
  });
});
