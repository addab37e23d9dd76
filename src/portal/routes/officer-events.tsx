import type { Context } from 'hono';
import { ValidationError } from '../../domain/errors.js';
import type { AppDeps } from '../../core/deps.js';
import { exportOfficerEvents } from '../../officer/export-officer-events.js';
import type { OfficerActor } from '../../officer/officer-actor.js';
import { searchOfficerEvents } from '../../officer/search-officer-events.js';
import { OfficerEventQuery, OfficerExportQuery } from '../../web/officer-query.js';
import type { OfficerEventRow } from '../../storage/event-search.js';
import { CsrfError } from '../errors.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import { ErrorSummary, type FieldErrors, SelectField } from '../views/admin-fields.js';
import { Layout } from '../views/layout.js';
import { EventsTable } from '../views/officer-events-table.js';
import { type FilterChoices, FilterFormView } from '../views/officer-filter-form.js';
import { OfficerNav } from '../views/officer-nav.js';
import { type Page, pageOf } from '../views/page.js';
import { filterChoices } from './officer-choices.js';
import { FILTER_FIELDS, type FilterForm, filterOf, formQuery, parseFilterForm, readFilterForm } from './officer-filters.js';

/** Who is asking, for the officer's audit event (as the API's). */
export const officerOf = (c: Context<PortalEnv>): OfficerActor => ({ officerId: c.get('viewer')!.citizenId, requestId: c.get('requestId') });

const PAGE_SIZES = ['25', '50', '100', '200'];

interface Result {
  rows: OfficerEventRow[];
  order: 'asc' | 'desc';
  next: string | null;
}

function EventsPage(props: { p: Page; form: FilterForm; errors: FieldErrors; choices: FilterChoices; result?: Result }) {
  const { p, form, errors, result } = props;
  const t = p.t;
  const exportQuery = (format: string) => `/officer/export${formQuery(form, { format }, ['cursor', 'limit'])}`;
  return (
    <Layout p={p} title={t('officer.events.title')} current="officer" notice={errors.cursor ? { kind: 'error', text: errors.cursor } : undefined}>
      <OfficerNav p={p} current="events" />
      <h1>{t('officer.events.title')}</h1>
      <p class="lead">{t('officer.events.intro')}</p>
      <ErrorSummary p={p} errors={{ ...errors, cursor: undefined }} />
      <p>
        <a id="denied-checks" href="/officer?type=consent.checked&decision=deny">
          {t('officer.events.deniedLink')}
        </a>
      </p>
      <FilterFormView p={p} id="officer-search" action="/officer" form={form} errors={errors} choices={props.choices} submitLabel={t('common.search')}>
        <SelectField
          name="order"
          label={t('officer.f.order')}
          value={form.order ?? 'desc'}
          error={errors.order}
          options={[
            { value: 'desc', label: t('officer.order.desc') },
            { value: 'asc', label: t('officer.order.asc') },
          ]}
        />
        <SelectField name="limit" label={t('officer.f.limit')} value={form.limit ?? '50'} error={errors.limit} options={PAGE_SIZES.map((n) => ({ value: n, label: n }))} />
      </FilterFormView>
      {result ? (
        <section aria-labelledby="results-title">
          <h2 id="results-title">{t('officer.events.results')}</h2>
          <div class="actions">
            <a id="export-csv" class="button secondary" href={exportQuery('csv')} download>
              {t('officer.export.csv')}
            </a>
            <a id="export-ndjson" class="button secondary" href={exportQuery('ndjson')} download>
              {t('officer.export.ndjson')}
            </a>
          </div>
          <p class="hint">{t('officer.export.hint')}</p>
          {result.rows.length === 0 ? <p id="officer-no-events">{t('officer.events.none')}</p> : <EventsTable p={p} rows={result.rows} form={form} order={result.order} />}
          <nav class="pager" aria-label={t('officer.events.pages')}>
            {form.cursor ? (
              <a id="first-page" href={`/officer${formQuery(form, {}, ['cursor'])}`}>
                {t('officer.events.first')}
              </a>
            ) : null}
            {result.next ? (
              <a id="next-page" href={`/officer${formQuery(form, { cursor: result.next })}`} rel="next">
                {t('common.next')}
              </a>
            ) : null}
          </nav>
        </section>
      ) : null}
    </Layout>
  );
}

/**
 * `GET /officer`: the access-log search. Filters are checked
 * with the API's own schema; a valid search runs the same query as `GET /v1/officer/events`
 * and is audited as `officer.searched` with the same content, before the page is sent.
 */
export function officerEventsPage(deps: AppDeps) {
  return async (c: Context<PortalEnv>) => {
    const p = pageOf(c);
    const form = readFilterForm(c.req.query());
    const choices = await filterChoices(deps, p.locale);
    const parsed = parseFilterForm(p, OfficerEventQuery, form, [...FILTER_FIELDS, 'order', 'limit', 'cursor']);
    if (!parsed.ok) return render(c, <EventsPage p={p} form={form} errors={parsed.errors} choices={choices} />, 400);
    const { order, limit, cursor, ...filters } = parsed.query;
    let page: Awaited<ReturnType<typeof searchOfficerEvents>>;
    try {
      page = await searchOfficerEvents(deps, officerOf(c), { filter: filterOf(filters), order, limit, cursor });
    } catch (err) {
      // The filters passed the API's schema above; what the search can still refuse is the cursor.
      if (!(err instanceof ValidationError)) throw err;
      return render(c, <EventsPage p={p} form={form} errors={{ cursor: p.t('officer.err.cursor') }} choices={choices} />, 400);
    }
    return render(c, <EventsPage p={p} form={form} errors={{}} choices={choices} result={{ rows: page.items, order, next: page.nextCursor }} />);
  };
}

/**
 * `GET /officer/export?format=csv|ndjson&…filters`: the API's streaming export of what the
 * filters select, as a download (`Content-Disposition: attachment`), audited as
 * `officer.exported` before the first byte. A GET behind the SameSite=Lax session cookie;
 * requests another site starts (Fetch Metadata `Sec-Fetch-Site`) are refused, so no other
 * site can make an officer export in their name.
 */
export function officerExport(deps: AppDeps) {
  return async (c: Context<PortalEnv>) => {
    const site = c.req.header('sec-fetch-site')?.toLowerCase();
    if (site === 'cross-site' || site === 'same-site') throw new CsrfError();
    const p = pageOf(c);
    const form = readFilterForm(c.req.query());
    const format = c.req.query('format') ?? '';
    const parsed = parseFilterForm(p, OfficerExportQuery, form, [...FILTER_FIELDS, 'order'], { format });
    if (!parsed.ok) {
      const choices = await filterChoices(deps, p.locale);
      return render(c, <EventsPage p={p} form={form} errors={parsed.errors} choices={choices} />, 400);
    }
    const { format: name, order, ...filters } = parsed.query;
    const started = await exportOfficerEvents(deps, officerOf(c), { filter: filterOf(filters), format: name, order });
    return c.body(started.body, 200, {
      'Content-Type': started.format.contentType,
      'Content-Disposition': `attachment; filename="${started.fileName}"`,
      'Cache-Control': 'no-store',
    });
  };
}
