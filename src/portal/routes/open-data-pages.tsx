/**
 * The public open-data pages, without sign-in: a city-wide overview of the latest published
 * release and one page per service (who is responsible, its DPO, what it may ask for and why,
 * its monthly figures as a chart with the same numbers as a table), linking to the datasets.
 */
import { Hono } from 'hono';
import type { AppDeps } from '../../core/deps.js';
import { NotFoundError } from '../../domain/errors.js';
import { openDataUrls } from '../../open-data/dcat-catalogue.js';
import { COUNT_MEASURES, MEDIAN_APPROVAL, measureDescription } from '../../open-data/measures.js';
import { parseDocument, type ReleaseDocument } from '../../open-data/release-view.js';
import { resolveTerms } from '../../storage/catalogue-repo.js';
import { listPublishedReleases, type ReleaseRow } from '../../storage/open-data-repo.js';
import { getServiceByClientId } from '../../storage/services-repo.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import { Layout } from '../views/layout.js';
import { DayChart } from '../views/officer-chart.js';
import { formatDate, formatNumber, type Page, pageOf } from '../views/page.js';

const SHOWN = [...COUNT_MEASURES, MEDIAN_APPROVAL];

function Downloads(props: { p: Page; n: number; publicUrl: string }) {
  const u = openDataUrls(props.publicUrl);
  const t = props.p.t;
  return (
    <>
      <h2>{t('openData.downloads')}</h2>
      <ul id="open-data-downloads">
        <li><a href={u.csv(props.n)}>{t('openData.csv')}</a></li>
        <li><a href={u.csvw(props.n)}>{t('openData.csvw')}</a></li>
        <li><a href={u.json(props.n)}>{t('openData.json')}</a></li>
        <li><a href={u.note(props.n)}>{t('openData.note')}</a></li>
        <li><a href={`${u.base}/catalogue.ttl`}>{t('openData.catalogue')}</a></li>
      </ul>
    </>
  );
}

function Figures(props: { p: Page; doc: ReleaseDocument; service: string | null; id: string }) {
  const { p, doc, service } = props;
  const t = p.t;
  const months = doc.period ? [...new Set(doc.cells.map((c) => c.month))].sort() : [];
  const value = (month: string, measure: string) => doc.cells.find((c) => c.month === month && c.service === service && c.measure === measure)?.value ?? null;
  const checks = months.map((m) => ({ label: m, value: value(m, 'checks.made') })).filter((b): b is { label: string; value: number } => b.value !== null);
  return (
    <>
      <h2>{t('openData.checksChart')}</h2>
      <DayChart p={p} id={`${props.id}-chart`} title={t('openData.checksChart')} labelHeader={t('openData.month')} bars={checks} />
      <h2>{t('openData.figures')}</h2>
      <p>{t('openData.withheldNote')}</p>
      <div class="table-wrap">
        <table id={`${props.id}-table`}>
          <caption>{t('openData.figures')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('openData.measure')}</th>
              {months.map((m) => (
                <th scope="col">{m}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {SHOWN.map((measure) => (
              <tr>
                <th scope="row">
                  <abbr title={measureDescription(measure)}>{measure}</abbr>
                </th>
                {months.map((m) => {
                  const v = value(m, measure);
                  return <td>{v === null ? t('openData.withheld') : formatNumber(p, v)}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function ReleaseFacts(props: { p: Page; r: ReleaseRow }) {
  const { p, r } = props;
  return (
    <>
      <p id="open-data-release">{p.t('openData.release', { n: r.number!, size: r.treeSize.toString(), date: formatDate(p, r.publishedAt!) })}</p>
      {r.correctsNumber ? <p>{p.t('openData.corrects', { n: r.correctsNumber, note: r.correctionNote ?? '' })}</p> : null}
    </>
  );
}

/** `GET /open-data` and `GET /open-data/services/:clientId`. */
export function openDataPages(deps: AppDeps) {
  const r = new Hono<PortalEnv>();
  const latest = async () => (await listPublishedReleases(deps.readDb ?? deps.db, 1))[0];

  r.get('/open-data', async (c) => {
    const p = pageOf(c);
    const t = p.t;
    const rel = await latest();
    const doc = rel ? parseDocument(rel) : undefined;
    const names = new Map<string, string>();
    for (const id of doc?.services ?? []) {
      const s = await getServiceByClientId(deps.db, id);
      names.set(id, s ? s.name[p.locale] : id);
    }
    return render(
      c,
      <Layout p={p} title={t('openData.title')}>
        <h1>{t('openData.title')}</h1>
        <p class="lead">{t('openData.lead', { k1: (rel?.k ?? 10) - 1 })}</p>
        {rel && doc ? (
          <>
            <ReleaseFacts p={p} r={rel} />
            <h2>{t('openData.services')}</h2>
            <ul id="open-data-services">
              {doc.services.map((s) => (
                <li>
                  <a href={`/open-data/services/${encodeURIComponent(s)}`}>{names.get(s)}</a>
                </li>
              ))}
            </ul>
            <h2>{t('openData.city')}</h2>
            <Figures p={p} doc={doc} service={null} id="city" />
            <Downloads p={p} n={rel.number!} publicUrl={deps.config.publicUrl} />
          </>
        ) : (
          <p id="open-data-none">{t('openData.none')}</p>
        )}
      </Layout>,
    );
  });

  r.get('/open-data/services/:clientId', async (c) => {
    const p = pageOf(c);
    const t = p.t;
    const service = await getServiceByClientId(deps.db, c.req.param('clientId'));
    const rel = await latest();
    const doc = rel ? parseDocument(rel) : undefined;
    if (!service || !rel || !doc || !doc.services.includes(service.clientId)) throw new NotFoundError('service');
    const terms = await resolveTerms(deps.db, { purposes: service.purposes, categories: service.categories });
    const dpo = service.controller.dpoContact;
    return render(
      c,
      <Layout p={p} title={service.name[p.locale]}>
        <p>
          <a href="/open-data">{t('openData.back')}</a>
        </p>
        <h1>{service.name[p.locale]}</h1>
        <p class="lead">{service.description[p.locale]}</p>
        <dl class="facts" id="open-data-controller">
          <dt>{t('openData.responsible')}</dt>
          <dd>{service.controller.name}</dd>
          <dt>{t('openData.dpo')}</dt>
          <dd>{dpo.includes('@') ? <a href={`mailto:${dpo}`}>{dpo}</a> : <a href={dpo}>{dpo}</a>}</dd>
          <dt>{t('openData.policy')}</dt>
          <dd>
            <a href={service.controller.policyUrl}>{service.controller.policyUrl}</a>
          </dd>
        </dl>
        <h2>{t('openData.mayAsk')}</h2>
        {(['purpose', 'category'] as const).map((kind) => (
          <>
            <h3>{t(kind === 'purpose' ? 'openData.purposes' : 'openData.categories')}</h3>
            <ul>
              {terms
                .filter((x) => x.kind === kind)
                .map((x) => (
                  <li>
                    <strong>{x.label[p.locale]}</strong>: {x.description[p.locale]}
                  </li>
                ))}
            </ul>
          </>
        ))}
        <ReleaseFacts p={p} r={rel} />
        <Figures p={p} doc={doc} service={service.clientId} id="service" />
        <Downloads p={p} n={rel.number!} publicUrl={deps.config.publicUrl} />
      </Layout>,
    );
  });

  return r;
}
