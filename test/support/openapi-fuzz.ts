/**
 * An OpenAPI-driven fuzzer: fast-check arbitraries built from the schemas of
 * openapi/openapi.json (path and query parameters, headers, JSON bodies), mixed with
 * arbitrary JSON and wrong types, sent to every operation with each credential type through
 * `app.request()`. What must hold: no 5xx, and every error is an RFC 9457 problem (the
 * OAuth token endpoint's errors are RFC 6749 §5.2 JSON).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';

type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One operation of the document. */
export interface Operation {
  method: string;
  path: string;
  params: { name: string; in: string; required: boolean; schema: Schema }[];
  body?: { type: string; schema: Schema };
}

/** A request the fuzzer sends. */
export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** The document's operations. */
export function loadOperations(): { doc: Schema; ops: Operation[] } {
  const doc = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')) as Schema;
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Schema>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const content = op.requestBody?.content as Record<string, { schema: Schema }> | undefined;
      const type = content ? Object.keys(content)[0]! : undefined;
      ops.push({
        method: method.toUpperCase(),
        path,
        params: ((op.parameters ?? []) as Schema[]).map((p) => ({ name: p.name, in: p.in, required: !!p.required, schema: p.schema ?? {} })),
        ...(type ? { body: { type, schema: content![type]!.schema } } : {}),
      });
    }
  }
  return { doc, ops };
}

/** Builds arbitraries for the schemas of `doc`, resolving `$ref`s. */
export function arbitraries(doc: Schema) {
  const resolve = (s: Schema): Schema => {
    let cur = s;
    for (let i = 0; i < 10 && cur && typeof cur.$ref === 'string'; i++) {
      cur = (cur.$ref as string)
        .replace(/^#\//, '')
        .split('/')
        .reduce((o: Schema, k: string) => o?.[k], doc);
    }
    return cur ?? {};
  };
  const anyJson = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<unknown>;
  const nasty = fc.constantFrom<unknown>('', ' ', '\u0000', '\ud800', '\ufeff', 'a'.repeat(300), -1, 0, 1e308, 2 ** 63, null, true, [], {}, '../', '%00', "'; drop table x;--", '2027-02-30T00:00:00Z');

  const of = (input: Schema, depth: number): fc.Arbitrary<unknown> => {
    const s = resolve(input);
    if (depth > 4) return anyJson;
    const valid = validOf(s, depth);
    // Mostly valid values (to reach the rules behind validation), sometimes anything.
    return fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: nasty }, { weight: 1, arbitrary: anyJson });
  };
  const validOf = (s: Schema, depth: number): fc.Arbitrary<unknown> => {
    if (s.enum) return fc.constantFrom(...(s.enum as unknown[]));
    if (s.const !== undefined) return fc.constant(s.const);
    for (const k of ['oneOf', 'anyOf'] as const) if (Array.isArray(s[k]) && s[k].length) return fc.oneof(...(s[k] as Schema[]).map((x) => of(x, depth + 1)));
    if (Array.isArray(s.allOf) && s.allOf.length) return of(Object.assign({}, ...(s.allOf as Schema[]).map(resolve)), depth + 1);
    const type = Array.isArray(s.type) ? s.type.find((x: string) => x !== 'null') : s.type;
    switch (type) {
      case 'string': {
        if (s.example !== undefined && typeof s.example === 'string') {
          return fc.oneof(fc.constant(s.example), stringOf(s));
        }
        return stringOf(s);
      }
      case 'integer':
        return fc.integer({ min: s.minimum ?? -10, max: Math.min(s.maximum ?? 1000, 2 ** 31) });
      case 'number':
        return fc.double({ noNaN: true, min: s.minimum ?? -1000, max: s.maximum ?? 1000 });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(of(s.items ?? {}, depth + 1), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 4, 4) });
      case 'object':
      case undefined: {
        if (!s.properties) return type === 'object' ? fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 3 }) : anyJson;
        const required = new Set((s.required ?? []) as string[]);
        const shape: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [k, v] of Object.entries(s.properties as Record<string, Schema>)) shape[k] = of(v, depth + 1);
        return fc.record(shape, { requiredKeys: Object.keys(shape).filter((k) => required.has(k)) });
      }
      default:
        return anyJson;
    }
  };
  const stringOf = (s: Schema): fc.Arbitrary<string> => {
    if (s.format === 'uuid') return fc.uuid();
    if (s.format === 'date-time') return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
    if (s.format === 'email') return fc.emailAddress();
    if (s.format === 'uri') return fc.webUrl();
    if (typeof s.pattern === 'string') {
      try {
        return fc.stringMatching(new RegExp(s.pattern, 'u')).filter((x) => x.length <= (s.maxLength ?? 200) && x.length >= (s.minLength ?? 0));
      } catch {
        // fall through
      }
    }
    return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 40), unit: 'grapheme' });
  };
  return { of };
}

const scalar = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** An arbitrary request to `op`. */
export function requestOf(op: Operation, of: (s: Schema, depth: number) => fc.Arbitrary<unknown>): fc.Arbitrary<FuzzRequest> {
  const params: Record<string, fc.Arbitrary<unknown>> = {};
  for (const p of op.params) params[`${p.in}:${p.name}`] = of(p.schema, 0);
  const bodyArb: fc.Arbitrary<string | undefined> = op.body
    ? fc.oneof(
        { weight: 8, arbitrary: of(op.body.schema, 0).map((v) => (op.body!.type.includes('json') ? JSON.stringify(v) : new URLSearchParams(Object.entries((v ?? {}) as object).map(([k, x]) => [k, scalar(x)])).toString())) },
        { weight: 1, arbitrary: fc.constantFrom(undefined, '', '{', '[{}]', '\ufeff{}', 'null') },
      )
    : op.method === 'GET'
      ? fc.constant(undefined)
      : fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('[{}]', '{}', 'x') });
  return fc.record({ values: fc.record(params, { requiredKeys: Object.keys(params).filter((k) => k.startsWith('path:')) }), body: bodyArb }).map(({ values, body }) => {
    let path = op.path;
    const query = new URLSearchParams();
    const headers: Record<string, string> = {};
    for (const [key, v] of Object.entries(values)) {
      const [where, name] = key.split(':') as [string, string];
      if (where === 'path') path = path.replace(`{${name}}`, encodeURIComponent(scalar(v).replace(/[\uD800-\uDFFF]/gu, '\uFFFD')).replace(/%EF%BF%BD/g, '%ED%A0%80') || 'x');
      else if (where === 'query' && v !== undefined) query.append(name, scalar(v));
      else if (where === 'header' && v !== undefined) {
        const h = scalar(v);
        if (/^[\x20-\x7e]*$/.test(h)) headers[name.toLowerCase()] = h;
      }
    }
    if (body !== undefined) headers['content-type'] = op.body?.type ?? 'application/json';
    const qs = query.toString();
    return { method: op.method, url: qs ? `${path}?${qs}` : path, headers, ...(body !== undefined ? { body } : {}) };
  });
}

/** What a finding looks like: the request and what went wrong. */
export interface Finding {
  credential: string;
  request: FuzzRequest;
  status: number;
  problem: string;
}

/** Checks one answer; returns a description of what is wrong, or undefined. */
export async function judge(req: FuzzRequest, res: Response): Promise<string | undefined> {
  const text = await res.text();
  if (res.status >= 500) return `status ${res.status}: ${text.slice(0, 300)}`;
  if (res.status >= 400) {
    const type = res.headers.get('content-type') ?? '';
    if (req.url.startsWith('/v1/oauth/token')) {
      if (!/^application\/json/.test(type)) return `token endpoint error not JSON: ${type}`;
      return undefined;
    }
    if (!/^application\/problem\+json/.test(type)) return `error ${res.status} not a problem: ${type} ${text.slice(0, 200)}`;
    try {
      const p = JSON.parse(text) as { status?: number; code?: string };
      if (p.status !== res.status || typeof p.code !== 'string') return `problem malformed: ${text.slice(0, 200)}`;
    } catch {
      return `problem not JSON: ${text.slice(0, 200)}`;
    }
  }
  return undefined;
}
