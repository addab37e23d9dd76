import type { Context } from 'hono';
import type { AppDeps } from '../../core/deps.js';
import { DEFAULT_STATS_DAYS, MAX_STATS_DAYS, OfficerStatsQuery } from '../../web/officer-query.js';
import { ValidationError } from '../../domain/errors.js';
import { viewEventStats } from '../../officer/view-event-stats.js';
import type { EventStats, ServiceCount } from '../../storage/event-stats.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import { ErrorSummary, type FieldErrors } from '../views/admin-fields.js';
import { Layout } from '../views/layout.js';
import { type Bar, BarChart, DayChart } from '../views/officer-chart.js';
import { formatInstant } from '../views/officer-events-table.js';
import { type FilterChoices, FilterFormView } from '../views/officer-filter-form.js';
import { OfficerNav } from '../views/officer-nav.js';
import { formatNumber, type Page, pageOf } from '../views/page.js';
import { filterChoices } from './officer-choices.js';
import { officerOf } from './officer-events.js';
import { FILTER_FIELDS, type FilterForm, filterOf, formQuery, parseFilterForm, readFilterForm } from './officer-filters.js';

interface Shown {
  from: string;
  to: string;
  stats: EventStats;
}

function StatsPage(props: { p: Page; form: FilterForm; errors: FieldErrors; choices: FilterChoices; shown?: Shown }) {
  const { p, form, shown, choices } = props;
  const t = p.t;
  const serviceBars = (list: ServiceCount[]): Bar[] => list.map((s) => ({ label: s.clientId ?? t('officer.stats.noService'), value: s.count }));
  const purposeLabel = new Map(choices.purposes.map((x) => [x.value, x.label]));
  return (
    <Layout p={p} title={t('officer.stats.title')} current="officer">
      <OfficerNav p={p} current="stats" />
      <h1>{t('officer.stats.title')}</h1>
      <p class="lead">{t('officer.stats.intro', { days: DEFAULT_STATS_DAYS, max: MAX_STATS_DAYS })}</p>
      <ErrorSummary p={p} errors={props.errors} />
      <FilterFormView p={p} id="officer-stats-form" action="/officer/stats" form={form} errors={props.errors} choices={choices} submitLabel={t('officer.stats.show')} />
      {shown ? (
        <>
          <p id="stats-range">
            {t('officer.stats.range', { from: formatInstant(p, shown.from), to: formatInstant(p, shown.to) })}
          </p>
          <dl class="facts" id="stats-totals">
            <dt>{t('officer.stats.total')}</dt>
            <dd id="stats-total">{formatNumber(p, shown.stats.total)}</dd>
            <dt>{t('officer.stats.deniedTotal')}</dt>
            <dd id="denied-total">{formatNumber(p, shown.stats.denied.total)}</dd>
          </dl>
          <p>
            <a href={`/officer${formQuery(form, { type: 'consent.checked', decision: 'deny' })}`}>{t('officer.stats.deniedLink')}</a>
          </p>
          <h2>{t('officer.stats.byService')}</h2>
          <BarChart p={p} id="chart-services" title={t('officer.stats.byService')} labelHeader={t('officer.col.service')} bars={serviceBars(shown.stats.byService)} />
          <h2>{t('officer.stats.byPurpose')}</h2>
          <BarChart
            p={p}
            id="chart-purposes"
            title={t('officer.stats.byPurpose')}
            labelHeader={t('officer.col.purpose')}
            bars={shown.stats.byPurpose.map((x) => ({ label: purposeLabel.get(x.purpose) ?? x.purpose, value: x.count }))}
          />
          <h2>{t('officer.stats.byDay')}</h2>
          <DayChart p={p} id="chart-days" title={t('officer.stats.byDay')} labelHeader={t('officer.stats.day')} bars={shown.stats.byDay.map((d) => ({ label: d.day, value: d.count }))} />
          <h2>{t('officer.stats.denied')}</h2>
          <BarChart
            p={p}
            id="chart-denied-reasons"
            title={t('officer.stats.deniedByReason')}
            labelHeader={t('officer.stats.reason')}
            barClass="bar-deny"
            bars={shown.stats.denied.byReason.map((x) => ({ label: x.reason || '—', value: x.count }))}
          />
          <BarChart
            p={p}
            id="chart-denied-services"
            title={t('officer.stats.deniedByService')}
            labelHeader={t('officer.col.service')}
            barClass="bar-deny"
            bars={serviceBars(shown.stats.denied.byService)}
          />
        </>
      ) : null}
    </Layout>
  );
}

/**
 * `GET /officer/stats`: counts per service, purpose and day, and denied checks,
 * from the API's eventStats over the API's default range (the last 30 days), audited as
 * `officer.stats_viewed` like `GET /v1/officer/stats`.
 */
export function officerStatsPage(deps: AppDeps) {
  return async (c: Context<PortalEnv>) => {
    const p = pageOf(c);
    const form = readFilterForm(c.req.query());
    const choices = await filterChoices(deps, p.locale);
    const parsed = parseFilterForm(p, OfficerStatsQuery, form, FILTER_FIELDS);
    if (!parsed.ok) return render(c, <StatsPage p={p} form={form} errors={parsed.errors} choices={choices} />, 400);
    let shown: Awaited<ReturnType<typeof viewEventStats>>;
    try {
      shown = await viewEventStats(deps, officerOf(c), filterOf(parsed.query));
    } catch (err) {
      // The filters passed the API's schema above; what the stats can still refuse is the range.
      if (!(err instanceof ValidationError)) throw err;
      return render(c, <StatsPage p={p} form={form} errors={{ from: p.t('officer.err.from') }} choices={choices} />, 400);
    }
    return render(c, <StatsPage p={p} form={form} errors={{}} choices={choices} shown={shown} />);
  };
}
