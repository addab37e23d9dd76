import type { FilterField, FilterForm } from '../routes/officer-filters.js';
import { type FieldErrors, SelectField, TextField } from './admin-fields.js';
import type { Page } from './page.js';

/** The choices of the filter form's drop-down lists. */
export interface FilterChoices {
  services: { value: string; label: string }[];
  purposes: { value: string; label: string }[];
  categories: { value: string; label: string }[];
}

/** Event types offered as suggestions (any type may be typed). */
const EVENT_TYPES = [
  'consent.checked',
  'consent.granted',
  'consent.updated',
  'consent.paused',
  'consent.resumed',
  'consent.withdrawn',
  'consent.expired',
  'consent.revoked',
  'request.created',
  'citizen.signed_up',
  'citizen.erased',
  'service.registered',
  'service.updated',
  'service.suspended',
  'service.activated',
  'role.granted',
  'role.revoked',
  'officer.searched',
  'officer.stats_viewed',
  'officer.exported',
];

/**
 * The filters of the access log as a GET form (`id`), every filter of `src/web/officer-query.ts`. `fields`
 * chooses which appear; `children` adds inputs (order, page size) before the button.
 */
export function FilterFormView(props: {
  p: Page;
  id: string;
  action: string;
  form: FilterForm;
  errors: FieldErrors;
  choices: FilterChoices;
  submitLabel: string;
  children?: unknown;
}) {
  const { p, form, errors, choices } = props;
  const t = p.t;
  const any = (label: string) => [{ value: '', label }];
  const field = (name: FilterField) => ({ name, value: form[name], error: errors[name] });
  return (
    <form id={props.id} method="get" action={props.action} class="officer-filters" aria-label={props.submitLabel} novalidate>
      <SelectField {...field('serviceId')} label={t('officer.f.service')} options={[...any(t('officer.f.anyService')), ...choices.services]} />
      <SelectField {...field('purpose')} label={t('officer.f.purpose')} options={[...any(t('officer.f.anyPurpose')), ...choices.purposes]} />
      <SelectField {...field('category')} label={t('officer.f.category')} options={[...any(t('officer.f.anyCategory')), ...choices.categories]} />
      <SelectField
        {...field('decision')}
        label={t('officer.f.decision')}
        options={[...any(t('officer.f.anyDecision')), { value: 'permit', label: t('officer.decision.permit') }, { value: 'deny', label: t('officer.decision.deny') }]}
      />
      <TextField {...field('reason')} label={t('officer.f.reason')} hint={t('officer.f.reasonHint')} maxlength={200} />
      <TextField {...field('type')} label={t('officer.f.type')} hint={t('officer.f.typeHint')} list="officer-event-types" maxlength={400} />
      <datalist id="officer-event-types">
        {EVENT_TYPES.map((x) => (
          <option value={x}></option>
        ))}
      </datalist>
      <TextField {...field('subjectRef')} label={t('officer.f.subjectRef')} hint={t('officer.f.subjectRefHint')} maxlength={200} />
      <SelectField
        {...field('actorType')}
        label={t('officer.f.actorType')}
        options={[
          ...any(t('officer.f.anyActor')),
          ...(['citizen', 'service', 'admin', 'officer', 'system'] as const).map((a) => ({ value: a, label: t(`officer.actor.${a}`) })),
        ]}
      />
      <TextField {...field('actorId')} label={t('officer.f.actorId')} hint={t('officer.f.actorIdHint')} maxlength={200} />
      <TextField {...field('consentId')} label={t('officer.f.consentId')} maxlength={36} />
      <TextField {...field('from')} type="datetime-local" label={t('officer.f.from')} hint={t('officer.f.timeHint', { zone: p.timeZone })} />
      <TextField {...field('to')} type="datetime-local" label={t('officer.f.to')} hint={t('officer.f.timeHint', { zone: p.timeZone })} />
      {props.children as never}
      <div class="actions">
        <button type="submit" class="primary">
          {props.submitLabel}
        </button>
        <a href={props.action}>{t('officer.f.clear')}</a>
      </div>
    </form>
  );
}
