/**
 * A small RDF graph (IRIs and literals, no blank nodes) and its two serialisations: Turtle
 * (W3C RDF 1.1 Turtle) and JSON-LD 1.1 in expanded-value form under a prefix context. Written by
 * hand because the graph is tiny and the Worker bundle must stay free of the stream polyfills
 * that RDF libraries bring; test/open-data-catalogue.test.ts parses both with n3 and jsonld and
 * checks they are the same graph, valid against the DCAT-AP shapes.
 */

/** An object of a triple: an IRI, or a literal with a language tag or a datatype IRI. */
export type RdfObject = { iri: string } | { value: string; lang?: string; datatype?: string };

/** One subject's description: its types and its property values. */
export interface RdfNode {
  id: string;
  types: string[];
  props: [predicate: string, object: RdfObject][];
}

/** Prefixes used to abbreviate IRIs. */
export const PREFIXES: Record<string, string> = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
};

const LOCAL = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** `prefix:local` when a prefix fits and the local name is a plain PN_LOCAL, else undefined. */
function compact(iri: string): string | undefined {
  for (const [p, ns] of Object.entries(PREFIXES)) if (iri.startsWith(ns) && LOCAL.test(iri.slice(ns.length))) return `${p}:${iri.slice(ns.length)}`;
  return undefined;
}

/** Turtle §6.4 IRIREF: characters outside the allowed set are written as \u escapes. */
function iriRef(iri: string): string {
  return `<${iri.replace(/[\u0000-\u0020<>"{}|^`\\]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}>`;
}

const term = (iri: string): string => compact(iri) ?? iriRef(iri);

/** Turtle §6.4 STRING_LITERAL_QUOTE with ECHAR escapes. */
function stringLiteral(s: string): string {
  return `"${s.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!)}"`;
}

function turtleObject(o: RdfObject): string {
  if ('iri' in o) return term(o.iri);
  if (o.lang) return `${stringLiteral(o.value)}@${o.lang}`;
  if (o.datatype) return `${stringLiteral(o.value)}^^${term(o.datatype)}`;
  return stringLiteral(o.value);
}

/** The graph in Turtle: prefixes, then one block per subject. */
export function toTurtle(nodes: readonly RdfNode[]): string {
  const out = Object.entries(PREFIXES).map(([p, ns]) => `@prefix ${p}: <${ns}> .`);
  for (const n of nodes) {
    const lines: string[] = [];
    if (n.types.length) lines.push(`a ${n.types.map(term).join(', ')}`);
    const byPredicate = new Map<string, RdfObject[]>();
    for (const [p, o] of n.props) byPredicate.set(p, [...(byPredicate.get(p) ?? []), o]);
    for (const [p, os] of byPredicate) lines.push(`${term(p)} ${os.map(turtleObject).join(',\n    ')}`);
    out.push('', `${term(n.id)}\n  ${lines.join(' ;\n  ')} .`);
  }
  return out.join('\n') + '\n';
}

/** The graph in JSON-LD 1.1: a prefix context and one node object per subject in `@graph`. */
export function toJsonLd(nodes: readonly RdfNode[]): Record<string, unknown> {
  return {
    '@context': PREFIXES,
    '@graph': nodes.map((n) => {
      const node: Record<string, unknown> = { '@id': n.id };
      if (n.types.length) node['@type'] = n.types.map((t) => compact(t) ?? t);
      for (const [p, o] of n.props) {
        const key = compact(p) ?? p;
        const value = 'iri' in o ? { '@id': o.iri } : o.lang ? { '@value': o.value, '@language': o.lang } : o.datatype ? { '@value': o.value, '@type': compact(o.datatype) ?? o.datatype } : { '@value': o.value };
        node[key] = [...((node[key] as unknown[] | undefined) ?? []), value];
      }
      return node;
    }),
  };
}
