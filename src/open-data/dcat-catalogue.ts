/**
 * The DCAT-AP 3.0 catalogue of the open data (https://semiceu.github.io/DCAT-AP/releases/3.0.0/):
 * one catalogue, one dataset (per service and month statistics of consents, requests and
 * checks), and for every published release a CSV and a JSON distribution at stable URLs —
 * what CKAN's DCAT harvester and data.europa.eu read. Validated against the DCAT-AP 3.0.0 SHACL
 * shapes in test/open-data-catalogue.test.ts.
 */
import type { OpenDataConfig } from './open-data-config.js';
import type { RdfNode, RdfObject } from './rdf-graph.js';

const DCAT = 'http://www.w3.org/ns/dcat#';
const DCT = 'http://purl.org/dc/terms/';
const FOAF = 'http://xmlns.com/foaf/0.1/';
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const SKOS = 'http://www.w3.org/2004/02/skos/core#';
const VCARD = 'http://www.w3.org/2006/vcard/ns#';
const RDFS = 'http://www.w3.org/2000/01/rdf-schema#';
// EU Publications Office authority tables, which DCAT-AP recommends for these properties.
const EU = 'http://publications.europa.eu/resource/authority/';
const MONTHLY = `${EU}frequency/MONTHLY`;
const GOVERNMENT = `${EU}data-theme/GOVE`;
const IANA = 'https://www.iana.org/assignments/media-types/';

/** What the catalogue says about one published release. */
export interface CatalogueRelease {
  number: number;
  publishedAt: Date;
  firstMonth: string | null;
  lastMonth: string | null;
  correctsNumber: number | null;
}

/** Where the catalogue and its files live. */
export interface CatalogueInput {
  publicUrl: string;
  settings: OpenDataConfig;
  /** Published releases, any order. */
  releases: readonly CatalogueRelease[];
}

/** The stable URLs of the open data under `publicUrl`. */
export function openDataUrls(publicUrl: string) {
  const base = `${publicUrl}/v1/open-data`;
  return {
    base,
    catalogue: `${base}/catalogue`,
    dataset: `${base}/dataset`,
    page: `${publicUrl}/open-data`,
    release: (n: number) => `${base}/releases/${n}`,
    csv: (n: number) => `${base}/releases/${n}/statistics.csv`,
    csvw: (n: number) => `${base}/releases/${n}/statistics.csv-metadata.json`,
    json: (n: number) => `${base}/releases/${n}/release.json`,
    note: (n: number) => `${base}/releases/${n}/signature.note`,
  };
}

const iri = (v: string): RdfObject => ({ iri: v });
const text = (value: string, lang: string): RdfObject => ({ value, lang });
const typed = (value: string, type: string): RdfObject => ({ value, datatype: `${XSD}${type}` });

const TITLE = {
  ca: 'Permís: consentiments, sol·licituds i comprovacions per servei i mes',
  es: 'Permís: consentimientos, solicitudes y comprobaciones por servicio y mes',
  en: 'Permís: consents, requests and checks per service and month',
};
const DESCRIPTION = {
  ca: 'Estadístiques mensuals de com els serveis municipals fan servir les dades personals amb el permís dels ciutadans: permisos donats, restringits, aturats, retirats, revocats, caducats i actius; sol·licituds enviades i respostes; comprovacions fetes, permeses i denegades per motiu. Calculades a partir del registre de transparència; cap xifra entre 1 i k − 1 no es publica.',
  es: 'Estadísticas mensuales de cómo los servicios municipales usan los datos personales con el permiso de los ciudadanos: permisos dados, restringidos, pausados, retirados, revocados, caducados y activos; solicitudes enviadas y respondidas; comprobaciones hechas, permitidas y denegadas por motivo. Calculadas a partir del registro de transparencia; ninguna cifra entre 1 y k − 1 se publica.',
  en: 'Monthly statistics of how city services use personal data with citizens’ consent: consents granted, narrowed, paused, withdrawn, revoked, expired and active; requests sent and answered; checks made, permitted and denied by reason. Computed from the transparency log; no count from 1 to k − 1 is published.',
};

const lastDay = (month: string): string => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

/** The catalogue as RDF nodes (serialise with rdf-graph.ts). */
export function dcatCatalogue(input: CatalogueInput): RdfNode[] {
  const { settings } = input;
  const u = openDataUrls(input.publicUrl);
  const releases = [...input.releases].sort((a, b) => a.number - b.number);
  const latest = releases[releases.length - 1];
  const first = releases.map((r) => r.firstMonth).filter((m): m is string => m !== null).sort()[0];
  const last = releases.map((r) => r.lastMonth).filter((m): m is string => m !== null).sort().pop();
  const publisher = settings.publisherUri;
  const contact = `${u.catalogue}#contact`;
  const period = `${u.dataset}#period`;
  const nodes: RdfNode[] = [];
  const langs = (p: string, texts: Record<string, string>): [string, RdfObject][] => Object.entries(texts).map(([l, v]) => [p, text(v, l)]);

  nodes.push({
    id: u.catalogue,
    types: [`${DCAT}Catalog`],
    props: [
      ...langs(`${DCT}title`, { ca: 'Dades obertes de Permís', es: 'Datos abiertos de Permís', en: 'Permís open data' }),
      ...langs(`${DCT}description`, {
        ca: 'Estadístiques públiques del servei de consentiments de la ciutat, publicades per un delegat de protecció de dades i signades amb la clau del registre de transparència.',
        es: 'Estadísticas públicas del servicio de consentimientos de la ciudad, publicadas por un delegado de protección de datos y firmadas con la clave del registro de transparencia.',
        en: 'Public statistics of the city’s consent service, published by a privacy officer and signed with the transparency log’s key.',
      }),
      [`${DCT}publisher`, iri(publisher)],
      [`${FOAF}homepage`, iri(u.page)],
      [`${DCT}license`, iri(settings.licence)],
      [`${DCAT}dataset`, iri(u.dataset)],
      ...(latest ? ([[`${DCT}modified`, typed(latest.publishedAt.toISOString(), 'dateTime')]] as [string, RdfObject][]) : []),
    ],
  });
  nodes.push({ id: publisher, types: [`${FOAF}Agent`], props: [[`${FOAF}name`, { value: settings.publisherName }]] });
  nodes.push({ id: u.page, types: [`${FOAF}Document`], props: [] });
  nodes.push({ id: settings.licence, types: [`${DCT}LicenseDocument`], props: [] });

  const datasetProps: [string, RdfObject][] = [
    ...langs(`${DCT}title`, TITLE),
    ...langs(`${DCT}description`, DESCRIPTION),
    [`${DCT}identifier`, { value: u.dataset }],
    [`${DCT}publisher`, iri(publisher)],
    [`${DCT}accrualPeriodicity`, iri(MONTHLY)],
    [`${DCAT}theme`, iri(GOVERNMENT)],
    [`${DCAT}landingPage`, iri(u.page)],
    ...langs(`${DCAT}keyword`, { ca: 'consentiment', es: 'consentimiento', en: 'consent' }),
    ...langs(`${DCAT}keyword`, { ca: 'protecció de dades', es: 'protección de datos', en: 'data protection' }),
  ];
  if (settings.contactEmail) datasetProps.push([`${DCAT}contactPoint`, iri(contact)]);
  if (first && last) datasetProps.push([`${DCT}temporal`, iri(period)]);
  if (releases[0]) datasetProps.push([`${DCT}issued`, typed(releases[0].publishedAt.toISOString(), 'dateTime')]);
  if (latest) datasetProps.push([`${DCT}modified`, typed(latest.publishedAt.toISOString(), 'dateTime')]);
  for (const r of releases) datasetProps.push([`${DCAT}distribution`, iri(`${u.release(r.number)}#csv`)], [`${DCAT}distribution`, iri(`${u.release(r.number)}#json`)]);
  nodes.push({ id: u.dataset, types: [`${DCAT}Dataset`], props: datasetProps });
  nodes.push({ id: MONTHLY, types: [`${DCT}Frequency`], props: [] });
  nodes.push({ id: GOVERNMENT, types: [`${SKOS}Concept`], props: [[`${SKOS}prefLabel`, text('Government and public sector', 'en')]] });
  if (settings.contactEmail) nodes.push({ id: contact, types: [`${VCARD}Kind`], props: [[`${VCARD}hasEmail`, iri(`mailto:${settings.contactEmail}`)], [`${VCARD}fn`, { value: settings.publisherName }]] });
  if (first && last) {
    nodes.push({
      id: period,
      types: [`${DCT}PeriodOfTime`],
      props: [
        [`${DCAT}startDate`, typed(`${first}-01`, 'date')],
        [`${DCAT}endDate`, typed(lastDay(last), 'date')],
      ],
    });
  }
  const formats = {
    csv: { format: `${EU}file-type/CSV`, media: `${IANA}text/csv`, url: u.csv, label: 'CSV (RFC 4180) with CSVW metadata' },
    json: { format: `${EU}file-type/JSON`, media: `${IANA}application/json`, url: u.json, label: 'JSON, with its signed note' },
  } as const;
  for (const f of Object.values(formats)) {
    nodes.push({ id: f.format, types: [`${DCT}MediaTypeOrExtent`], props: [] });
    nodes.push({ id: f.media, types: [`${DCT}MediaType`], props: [] });
  }
  for (const r of releases) {
    const months = r.firstMonth && r.lastMonth ? ` (${r.firstMonth} – ${r.lastMonth})` : '';
    const corrects = r.correctsNumber ? `; corrects release ${r.correctsNumber}` : '';
    for (const [key, f] of Object.entries(formats)) {
      const url = f.url(r.number);
      nodes.push({
        id: `${u.release(r.number)}#${key}`,
        types: [`${DCAT}Distribution`],
        props: [
          [`${DCT}title`, text(`Release ${r.number}${months}, ${f.label}${corrects}`, 'en')],
          [`${DCAT}accessURL`, iri(url)],
          [`${DCAT}downloadURL`, iri(url)],
          [`${DCT}format`, iri(f.format)],
          [`${DCAT}mediaType`, iri(f.media)],
          [`${DCT}license`, iri(settings.licence)],
          [`${DCT}issued`, typed(r.publishedAt.toISOString(), 'dateTime')],
        ],
      });
      nodes.push({ id: url, types: [`${RDFS}Resource`], props: [] });
    }
  }
  return nodes;
}
