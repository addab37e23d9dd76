/** `permis services …`: the registry's command line, run against the test database. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runServicesCommand } from '../src/entry/cli/services.js';
import { getServiceByClientId } from '../src/storage/services-repo.js';
import { createTestContext, type TestContext } from './support/harness.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

const example = JSON.parse(readFileSync(new URL('../examples/service.example.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const exampleJwks = JSON.parse(readFileSync(new URL('../examples/jwks.example.json', import.meta.url), 'utf8')) as unknown;

async function auditOf(serviceId: string) {
  return ctx.db.query<{ type: string; actor_type: string; actor_id: string }>(
    'select type, actor_type, actor_id from audit_events where service_id = $1 order by seq',
    [serviceId],
  );
}

describe('permis services (CLI)', () => {
  const files = new Map<string, string>();
  const run = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runServicesCommand(args, {
      db: ctx.db,
      clock: ctx.clock,
      random: ctx.deps.random,
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      readFile: async (p) => {
        const f = files.get(p);
        if (f === undefined) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
        return f;
      },
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('adds, lists, shows, suspends, activates and sets the JWKS of a service', async () => {
    files.set('svc.json', JSON.stringify({ ...example, clientId: 'biblioteques' , purposes: ['library-services'], categories: ['name', 'library-loans'], processing: ['store'] }));
    files.set('jwks.json', JSON.stringify(exampleJwks));

    const add = await run('services', 'add', '--file', 'svc.json');
    expect(add).toMatchObject({ code: 0, err: '' });
    expect(add.out).toMatch(/^registered biblioteques \([0-9a-f-]{36}\) is active$/);
    const id = /\(([0-9a-f-]{36})\)/.exec(add.out)![1]!;

    const list = await run('list');
    expect(list.code).toBe(0);
    expect(list.out.split('\n')[0]).toMatch(/^CLIENT ID\s+STATUS\s+ID\s+NAME$/);
    expect(list.out).toMatch(new RegExp(`biblioteques\\s+active\\s+${id}`));

    const show = await run('show', 'biblioteques');
    expect(show.code).toBe(0);
    expect(JSON.parse(show.out)).toMatchObject({ id, clientId: 'biblioteques', purposes: ['library-services'], status: 'active' });
    expect(JSON.parse((await run('show', id)).out).clientId).toBe('biblioteques');

    expect(await run('suspend', 'biblioteques')).toMatchObject({ code: 0, out: `biblioteques (${id}) is suspended now` });
    expect((await run('suspend', 'biblioteques')).out).toMatch(/already; nothing changed/);
    const suspendedOnly = await run('list', '--status', 'suspended', '--json');
    expect((JSON.parse(suspendedOnly.out) as { clientId: string }[]).map((s) => s.clientId)).toContain('biblioteques');
    expect((JSON.parse((await run('list', '--status=active', '--json')).out) as { clientId: string }[]).map((s) => s.clientId)).not.toContain(
      'biblioteques',
    );
    expect(await run('activate', 'biblioteques')).toMatchObject({ code: 0, out: `biblioteques (${id}) is active now` });

    const jwks = await run('set-jwks', 'biblioteques', '--file', 'jwks.json');
    expect(jwks).toMatchObject({ code: 0, out: 'biblioteques: JWKS replaced; kids ajuts-energia-2025-01' });
    expect((await getServiceByClientId(ctx.db, 'biblioteques'))!.jwks).toEqual(exampleJwks);

    const audit = await auditOf(id);
    expect(audit.map((a) => a.type)).toEqual(['service.registered', 'service.suspended', 'service.activated', 'service.jwks_replaced']);
    expect(audit.every((a) => a.actor_type === 'admin' && a.actor_id === 'cli')).toBe(true);
  });

  it('explains failures and exits non-zero', async () => {
    files.set('bad.json', '{"clientId": ');
    files.set('unknown-terms.json', JSON.stringify({ ...example, clientId: 'x-terms', purposes: ['world-domination'] }));
    files.set('private.json', JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'AAAA', d: 'AAAA', kid: 'k' }] }));
    files.set('dup.json', JSON.stringify(example));
    expect((await run('add', '--file', 'dup.json')).code).toBe(0);
    files.set('invalid.json', JSON.stringify({ ...example, clientId: 'x-invalid', controller: { name: 'A', dpoContact: 'nobody', policyUrl: 'ftp://x' } }));

    expect(await run('add', '--file', 'bad.json')).toMatchObject({ code: 1, err: expect.stringMatching(/bad\.json is not valid JSON/) });
    expect(await run('add', '--file', 'missing.json')).toMatchObject({ code: 1, err: expect.stringMatching(/cannot read missing\.json/) });
    expect(await run('add', '--file', 'unknown-terms.json')).toMatchObject({ code: 1, err: expect.stringMatching(/world-domination/) });
    expect(await run('add', '--file', 'dup.json')).toMatchObject({ code: 1, err: expect.stringMatching(/already exists/) });
    const invalid = await run('add', '--file', 'invalid.json');
    expect(invalid.code).toBe(1);
    expect(invalid.err).toMatch(/controller\.dpoContact: must be an e-mail address or an https URL/);
    expect(invalid.err).toMatch(/controller\.policyUrl: must be an https URL/);
    expect(await run('set-jwks', 'ajuts-energia', '--file', 'private.json')).toMatchObject({ code: 1, err: expect.stringMatching(/private key member/) });
    expect(await run('show', 'nobody')).toMatchObject({ code: 1, err: 'error: no service "nobody"' });
    expect(await run('suspend', 'nobody')).toMatchObject({ code: 1, err: 'error: no service "nobody"' });
    expect(await run('set-jwks', 'nobody', '--file', 'jwks.json')).toMatchObject({ code: 1, err: 'error: no service "nobody"' });

    for (const args of [['add'], ['add', '--file'], ['frobnicate'], ['show'], ['show', 'a', 'b'], ['list', '--status', 'gone'], ['list', '--colour'], []]) {
      const r = await run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(/Usage: permis services/);
    }
    expect(await run('help')).toMatchObject({ code: 0, out: expect.stringMatching(/^Usage/) });
    expect(await getServiceByClientId(ctx.db, 'x-terms')).toBeUndefined();
    expect(await getServiceByClientId(ctx.db, 'x-invalid')).toBeUndefined();
  });
});
