import type { CatalogueTerm } from '../../domain/catalogue.js';
import type { Service } from '../../domain/service.js';
import type { MessageKey } from '../messages/index.js';
import { serviceName } from './citizen-bits.js';
import type { Page } from './page.js';

/** The filters a person chose on "who used my data", as typed (to show them again). */
export interface Chosen {
  service: string;
  purpose: string;
  category: string;
  decision: string;
  kind: string;
  from: string;
  to: string;
}

/** A filter that could not be read, tied to its field. */
export interface FilterError {
  field: keyof Chosen;
  key: MessageKey;
}

/** The filter form of "who used my data" (a GET form: the address keeps the filters), errors tied to their fields. */
export function AccessLogFilters(props: { p: Page; chosen: Chosen; errors: FilterError[]; serviceIds: string[]; services: Map<string, Service>; catalogue: CatalogueTerm[] }) {
  const { p, chosen, errors, serviceIds, services, catalogue } = props;
  const errorFor = (field: keyof Chosen) => errors.find((e) => e.field === field);
  const describedBy = (field: keyof Chosen) => (errorFor(field) ? `${field}-error` : undefined);
  const fieldError = (field: keyof Chosen) => {
    const e = errorFor(field);
    return e ? (
      <p class="field-error" id={`${field}-error`}>
        {p.t(e.key)}
      </p>
    ) : null;
  };
  const purposes = catalogue.filter((t) => t.kind === 'purpose');
  const categories = catalogue.filter((t) => t.kind === 'category');
  return (
    <form method="get" action="/access-log" class="filters" id="access-log-filter">
      <div>
        <label for="service">{p.t('accessLog.filterService')}</label>
        {fieldError('service')}
        <select id="service" name="service" aria-describedby={describedBy('service')} aria-invalid={errorFor('service') ? 'true' : undefined}>
          <option value="">{p.t('accessLog.any')}</option>
          {serviceIds.map((id) => (
            <option value={id} selected={id === chosen.service}>
              {serviceName(p, services.get(id))}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="purpose">{p.t('accessLog.filterPurpose')}</label>
        {fieldError('purpose')}
        <select id="purpose" name="purpose" aria-describedby={describedBy('purpose')} aria-invalid={errorFor('purpose') ? 'true' : undefined}>
          <option value="">{p.t('accessLog.any')}</option>
          {purposes.map((t) => (
            <option value={t.code} selected={t.code === chosen.purpose}>
              {t.label[p.locale]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="category">{p.t('accessLog.filterCategory')}</label>
        {fieldError('category')}
        <select id="category" name="category" aria-describedby={describedBy('category')} aria-invalid={errorFor('category') ? 'true' : undefined}>
          <option value="">{p.t('accessLog.any')}</option>
          {categories.map((t) => (
            <option value={t.code} selected={t.code === chosen.category}>
              {t.label[p.locale]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="decision">{p.t('accessLog.filterDecision')}</label>
        {fieldError('decision')}
        <select id="decision" name="decision" aria-describedby={describedBy('decision')} aria-invalid={errorFor('decision') ? 'true' : undefined}>
          <option value="">{p.t('accessLog.any')}</option>
          <option value="permit" selected={chosen.decision === 'permit'}>
            {p.t('decision.permit')}
          </option>
          <option value="deny" selected={chosen.decision === 'deny'}>
            {p.t('decision.deny')}
          </option>
        </select>
      </div>
      <div>
        <label for="kind">{p.t('accessLog.filterKind')}</label>
        <select id="kind" name="kind">
          <option value="">{p.t('accessLog.kindAll')}</option>
          <option value="checks" selected={chosen.kind === 'checks'}>
            {p.t('accessLog.kindChecks')}
          </option>
        </select>
      </div>
      <div>
        <label for="from">{p.t('accessLog.filterFrom')}</label>
        {fieldError('from')}
        <input type="date" id="from" name="from" value={chosen.from} aria-describedby={describedBy('from')} aria-invalid={errorFor('from') ? 'true' : undefined} />
      </div>
      <div>
        <label for="to">{p.t('accessLog.filterTo')}</label>
        {fieldError('to')}
        <input type="date" id="to" name="to" value={chosen.to} aria-describedby={describedBy('to')} aria-invalid={errorFor('to') ? 'true' : undefined} />
      </div>
      <div class="actions">
        <button type="submit" class="primary">
          {p.t('accessLog.filterButton')}
        </button>
        <a href="/access-log">{p.t('accessLog.clear')}</a>
      </div>
    </form>
  );
}
