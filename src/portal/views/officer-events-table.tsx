import type { OfficerEventRow } from '../../storage/event-search.js';
import { type FilterForm, formQuery } from '../routes/officer-filters.js';
import type { Page } from './page.js';

/** A date and time to the second, in the page's language and time zone. */
export const formatInstant = (p: Page, d: Date | string): string =>
  new Intl.DateTimeFormat(p.locale, { dateStyle: 'medium', timeStyle: 'medium', timeZone: p.timeZone }).format(new Date(d));

/**
 * A long identifier shown by its first eight characters, linking to the search narrowed to it
 * (the full value is in the link and in the exports).
 */
function ShortId({ p, id, field, form }: { p: Page; id: string; field: 'actorId' | 'consentId'; form: FilterForm }) {
  return (
    <a href={`/officer${formQuery(form, { [field]: id }, ['cursor'])}`} aria-label={p.t('officer.filterBy', { id })}>
      <code class="id">{id.length > 12 ? `${id.slice(0, 8)}…` : id}</code>
    </a>
  );
}

const list = (v: unknown): string => (Array.isArray(v) ? v.filter((x) => typeof x === 'string').join(', ') : typeof v === 'string' ? v : '');

/** A check's decision as a badge with its word (never colour alone), and the reason of a denial. */
export function Decision({ p, data }: { p: Page; data: Record<string, unknown> }) {
  const d = data.decision;
  if (d !== 'permit' && d !== 'deny') return null;
  return (
    <>
      <span class={`badge ${d}`}>{p.t(`officer.decision.${d}`)}</span>
      {typeof data.reason === 'string' ? <span class="muted"> {data.reason}</span> : null}
    </>
  );
}

/**
 * The events of one search page as a table: time (a link in the header reverses the order),
 * type, service, actor, subject, purposes, categories, decision, and the leaf index linking
 * to the inclusion check of the log-integrity panel.
 */
export function EventsTable({ p, rows, form, order }: { p: Page; rows: OfficerEventRow[]; form: FilterForm; order: 'asc' | 'desc' }) {
  const t = p.t;
  const other = order === 'desc' ? 'asc' : 'desc';
  return (
    <div class="table-wrap">
      <table id="officer-events">
        <caption>{t('officer.events.caption', { count: rows.length })}</caption>
        <thead>
          <tr>
            <th scope="col" aria-sort={order === 'desc' ? 'descending' : 'ascending'}>
              <a id="sort-time" href={`/officer${formQuery(form, { order: other }, ['cursor'])}`}>
                {t('officer.col.time')} <span class="muted">({t(order === 'desc' ? 'officer.order.desc' : 'officer.order.asc')})</span>
                <span class="visually-hidden">. {t(other === 'desc' ? 'officer.sort.toDesc' : 'officer.sort.toAsc')}</span>
              </a>
            </th>
            <th scope="col">{t('officer.col.type')}</th>
            <th scope="col">{t('officer.col.service')}</th>
            <th scope="col">{t('officer.col.actor')}</th>
            <th scope="col">{t('officer.col.subject')}</th>
            <th scope="col">{t('officer.col.purpose')}</th>
            <th scope="col">{t('officer.col.categories')}</th>
            <th scope="col">{t('officer.col.decision')}</th>
            <th scope="col">{t('officer.col.leaf')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr data-event-id={e.id}>
              <td>
                <time datetime={e.createdAt.toISOString()}>{formatInstant(p, e.createdAt)}</time>
              </td>
              <td>
                <code>{e.type}</code>
                {e.redacted ? <span class="badge redacted"> {t('officer.redacted')}</span> : null}
              </td>
              <td>{e.serviceClientId ?? '—'}</td>
              <td>
                {t(`officer.actor.${e.actorType}`)}
                {e.actorId ? (
                  <>
                    <br />
                    <ShortId p={p} id={e.actorId} field="actorId" form={form} />
                  </>
                ) : null}
              </td>
              <td>
                {typeof e.data.subjectRef === 'string' ? <code class="id">{e.data.subjectRef}</code> : null}
                {e.consentId ? (
                  <>
                    {typeof e.data.subjectRef === 'string' ? <br /> : null}
                    <span class="muted">{t('officer.consent')}</span> <ShortId p={p} id={e.consentId} field="consentId" form={form} />
                  </>
                ) : null}
              </td>
              <td>{list(e.data.purpose ?? e.data.purposes)}</td>
              <td>{list(e.data.dataCategories)}</td>
              <td>
                <Decision p={p} data={e.data} />
              </td>
              <td>
                {e.leafIndex !== null ? (
                  <a href={`/officer/log?event=${e.id}#inclusion`}>{t('officer.leafLink', { index: e.leafIndex })}</a>
                ) : (
                  <span class="muted">{t('officer.pending')}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
