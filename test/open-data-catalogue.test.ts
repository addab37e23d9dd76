/**
 * The DCAT-AP 3.0 catalogue (issue 22) validates against the DCAT-AP 3.0.0 SHACL shapes
 * (test/vectors/dcat-ap-3.0.0-SHACL.ttl, SEMICeu/DCAT-AP 3.0.0, CC BY 4.0) with
 * rdf-validate-shacl, in Turtle and in JSON-LD (parsed with n3 and jsonld), and both
 * serialisations are the same graph.
 */
import { readFileSync } from 'node:fs';
import rdf from '@zazuko/env';
import jsonld from 'jsonld';
import { Parser, type Quad } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import { describe, expect, it } from 'vitest';
import { dcatCatalogue } from '../src/open-data/dcat-catalogue.js';
import { CC_BY_4, openDataSettings } from '../src/open-data/open-data-config.js';
import { toJsonLd, toTurtle } from '../src/open-data/rdf-graph.js';

const SHAPES = readFileSync(new URL('./vectors/dcat-ap-3.0.0-SHACL.ttl', import.meta.url), 'utf8');

const parseTurtle = (text: string): Quad[] => new Parser({ format: 'text/turtle' }).parse(text);

async function validate(quads: Quad[]) {
  const validator = new SHACLValidator(rdf.dataset(parseTurtle(SHAPES)), { factory: rdf });
  return validator.validate(rdf.dataset(quads));
}

const key = (q: Quad) => `${q.subject.value} ${q.predicate.value} ${q.object.termType}:${q.object.value}@${'language' in q.object ? q.object.language : ''}^^${'datatype' in q.object ? q.object.datatype.value : ''}`;

async function jsonLdQuads(doc: object): Promise<Quad[]> {
  const nquads = (await jsonld.toRDF(doc as jsonld.JsonLdDocument, { format: 'application/n-quads' })) as unknown as string;
  return new Parser({ format: 'N-Quads' }).parse(nquads);
}

const releases = [
  { number: 1, publishedAt: new Date('2026-11-02T09:00:00Z'), firstMonth: '2026-09', lastMonth: '2026-10', correctsNumber: null },
  { number: 2, publishedAt: new Date('2026-12-01T09:00:00Z'), firstMonth: '2026-09', lastMonth: '2026-11', correctsNumber: 1 },
];

describe('DCAT-AP 3.0 catalogue', () => {
  it('validates against the DCAT-AP 3.0.0 shapes, in Turtle and in JSON-LD, as the same graph', async () => {
    const settings = openDataSettings({
      publicUrl: 'https://permis.example.cat',
      rpName: 'Permís',
      openData: { publisherName: 'Ajuntament de Barcelona', publisherUri: 'https://ajuntament.barcelona.cat/', contactEmail: 'dades@example.cat' },
    });
    expect(settings.licence).toBe(CC_BY_4);
    const nodes = dcatCatalogue({ publicUrl: 'https://permis.example.cat', settings, releases });
    const turtle = parseTurtle(toTurtle(nodes));
    const report = await validate(turtle);
    expect(report.results.map((r) => `${r.focusNode?.value} ${r.path?.value}: ${r.message.map((m) => m.value).join(' ')}`)).toEqual([]);
    expect(report.conforms).toBe(true);
    const fromJsonLd = await jsonLdQuads(toJsonLd(nodes));
    expect(fromJsonLd.map(key).sort()).toEqual(turtle.map(key).sort());
    expect((await validate(fromJsonLd)).conforms).toBe(true);
    // what harvesters look for
    const has = (p: string, o?: string) => turtle.some((q) => q.predicate.value === p && (o === undefined || q.object.value === o));
    expect(has('http://purl.org/dc/terms/license', CC_BY_4)).toBe(true);
    expect(has('http://purl.org/dc/terms/accrualPeriodicity', 'http://publications.europa.eu/resource/authority/frequency/MONTHLY')).toBe(true);
    expect(has('http://www.w3.org/ns/dcat#startDate', '2026-09-01')).toBe(true);
    expect(has('http://www.w3.org/ns/dcat#endDate', '2026-11-30')).toBe(true);
    expect(has('http://www.w3.org/ns/dcat#downloadURL', 'https://permis.example.cat/v1/open-data/releases/2/statistics.csv')).toBe(true);
  });

  it('is still valid with no release yet and a configured licence', async () => {
    const settings = openDataSettings({ publicUrl: 'http://localhost:3000', rpName: 'Permís', openData: { licence: 'https://creativecommons.org/publicdomain/zero/1.0/' } });
    const nodes = dcatCatalogue({ publicUrl: 'http://localhost:3000', settings, releases: [] });
    expect((await validate(parseTurtle(toTurtle(nodes)))).conforms).toBe(true);
  });

  it('fails validation when a mandatory property is missing (the check can fail)', async () => {
    const settings = openDataSettings({ publicUrl: 'https://permis.example.cat', rpName: 'Permís' });
    const nodes = dcatCatalogue({ publicUrl: 'https://permis.example.cat', settings, releases }).map((n) =>
      n.types.includes('http://www.w3.org/ns/dcat#Dataset') ? { ...n, props: n.props.filter(([p]) => p !== 'http://purl.org/dc/terms/title') } : n,
    );
    expect((await validate(parseTurtle(toTurtle(nodes)))).conforms).toBe(false);
  });
});
