// Issue 16, findings 2 and 3: a lone surrogate in displayName reached PostgreSQL (500), the
// OpenAPI document carried patterns no string matches, a leading byte-order mark was accepted.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE } from './support/database.js';
import { expectProblem } from './support/expect-problem.js';
import { createTestContext, type TestContext } from './support/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

const post = (body: string | Uint8Array<ArrayBuffer>, path = '/v1/auth/signup/options') =>
  t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe(`well-formed input on ${ENGINE}`, () => {
  it('refuses a lone surrogate with a 400 naming the field, never a 500', async () => {
    const res = await post('{"displayName":"\\ud800"}');
    const problem = await expectProblem(res, 400, 'validation_failed');
    expect(problem.errors).toEqual([{ field: 'body.displayName', message: 'must be well-formed Unicode text (no lone surrogates)' }]);
    await expectProblem(await post('{"displayName":"ok","x":["a","\\udfff"]}'), 400, 'validation_failed');
    await expectProblem(await post('{"\\ud800":"Laia"}'), 400, 'validation_failed');
    // A surrogate pair is one well-formed character.
    expect((await post('{"displayName":"Laia \\ud83d\\ude00"}')).status).toBe(200);
  });

  it('refuses control characters in a name', async () => {
    for (const name of ['La\\u0000ia', 'La\\nia', 'La\\u0085ia']) {
      const problem = await expectProblem(await post(`{"displayName":"${name}"}`), 400, 'validation_failed');
      expect(JSON.stringify(problem.errors)).toContain('body.displayName');
    }
  });

  it('parses JSON strictly: no byte-order mark, UTF-8 only', async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"displayName":"Laia"}')]);
    await expectProblem(await post(bom), 400, 'malformed_json');
    const latin1 = new Uint8Array([...new TextEncoder().encode('{"displayName":"Lai'), 0xe0, ...new TextEncoder().encode('"}')]);
    await expectProblem(await post(latin1), 400, 'malformed_json');
  });
});

interface Schema {
  pattern?: string;
  example?: unknown;
  examples?: unknown[];
  [k: string]: unknown;
}

/** Every schema object in the document that carries a `pattern`. */
function patterned(node: unknown, out: Schema[] = []): Schema[] {
  if (Array.isArray(node)) for (const x of node) patterned(x, out);
  else if (node !== null && typeof node === 'object') {
    const s = node as Schema;
    if (typeof s.pattern === 'string') out.push(s);
    for (const v of Object.values(s)) patterned(v, out);
  }
  return out;
}

describe('the OpenAPI document', () => {
  const doc = JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8')) as unknown;
  const schemas = patterned(doc);

  it('has patterns, each a valid ECMAScript regex with the u flag (JSON Schema 2020-12 §6.4)', () => {
    expect(schemas.length).toBeGreaterThan(10);
    for (const s of schemas) expect(() => new RegExp(s.pattern!, 'u'), s.pattern).not.toThrow();
  });

  it("accepts each pattern's own examples", () => {
    let checked = 0;
    for (const s of schemas) {
      const re = new RegExp(s.pattern!, 'u');
      for (const ex of [s.example, ...(s.examples ?? [])]) {
        if (typeof ex !== 'string') continue;
        expect(re.test(ex), `${s.pattern} vs ${ex}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('the name pattern accepts a name and refuses a control character', () => {
    const names = schemas.filter((s) => s.pattern!.includes('\\x1f'));
    expect(names.length).toBeGreaterThanOrEqual(4);
    for (const s of names) {
      const re = new RegExp(s.pattern!, 'u');
      expect(re.test('Laia Puig i Ferrer')).toBe(true);
      expect(re.test('La\u0007ia')).toBe(false);
    }
  });
});
