import type { CatalogueTerm, Lang } from '../../domain/catalogue.js';
import { langs } from '../../domain/catalogue.js';
import type { Service } from '../../domain/service.js';
import { CheckboxGroup, ErrorSummary, type FieldErrors, TextArea, TextField } from './admin-fields.js';
import { CsrfField } from './layout.js';
import type { Page } from './page.js';

/** The values of the service form, as typed (re-shown after an error). */
export interface ServiceFormValues {
  clientId: string;
  name: Record<Lang, string>;
  description: Record<Lang, string>;
  controllerName: string;
  dpoContact: string;
  policyUrl: string;
  purposes: string[];
  categories: string[];
  processing: string[];
  jwks: string;
}

/** An empty form. */
export const emptyServiceForm = (): ServiceFormValues => ({
  clientId: '',
  name: { ca: '', es: '', en: '' },
  description: { ca: '', es: '', en: '' },
  controllerName: '',
  dpoContact: '',
  policyUrl: '',
  purposes: [],
  categories: [],
  processing: [],
  jwks: '',
});

/** The form filled with a registered service. */
export const serviceFormOf = (s: Service): ServiceFormValues => ({
  clientId: s.clientId,
  name: { ...s.name },
  description: { ...s.description },
  controllerName: s.controller.name,
  dpoContact: s.controller.dpoContact,
  policyUrl: s.controller.policyUrl,
  purposes: [...s.purposes],
  categories: [...s.categories],
  processing: [...s.processing],
  jwks: JSON.stringify(s.jwks, null, 2),
});

const LANG_NAMES: Record<Lang, string> = { ca: 'català', es: 'español', en: 'English' };

/**
 * The service registration form (`mode` new: with client id and keys) or the edit form of a
 * registered one: names and descriptions in ca/es/en, the controller, and the purposes, data
 * categories and operations the service may ask for, chosen from the catalogue.
 */
export function ServiceForm(props: { p: Page; mode: 'new' | 'edit'; action: string; values: ServiceFormValues; errors: FieldErrors; terms: CatalogueTerm[] }) {
  const { p, values: v, errors: e, terms } = props;
  const t = p.t;
  const options = (kind: CatalogueTerm['kind']) => terms.filter((x) => x.kind === kind).map((x) => ({ value: x.code, label: `${x.label[p.locale]} (${x.code})` }));
  return (
    <form id="service-form" class="stack" method="post" action={props.action} novalidate>
      <CsrfField p={p} />
      <ErrorSummary p={p} errors={e} />
      {props.mode === 'new' ? (
        <TextField name="clientId" label={t('admin.service.clientId')} hint={t('admin.service.clientIdHint')} value={v.clientId} error={e.clientId} required maxlength={64} />
      ) : null}
      <fieldset>
        <legend>{t('admin.service.name')}</legend>
        {langs.map((l) => (
          <TextField name={`name.${l}`} label={LANG_NAMES[l]} value={v.name[l]} error={e[`name.${l}`]} required maxlength={120} />
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('admin.service.description')}</legend>
        {langs.map((l) => (
          <TextArea name={`description.${l}`} label={LANG_NAMES[l]} value={v.description[l]} error={e[`description.${l}`]} required maxlength={2000} />
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('admin.service.controller')}</legend>
        <TextField name="controller.name" label={t('admin.service.controllerName')} value={v.controllerName} error={e['controller.name']} required maxlength={200} />
        <TextField
          name="controller.dpoContact"
          label={t('admin.service.dpoContact')}
          hint={t('admin.service.dpoContactHint')}
          value={v.dpoContact}
          error={e['controller.dpoContact']}
          required
          maxlength={320}
        />
        <TextField name="controller.policyUrl" type="url" label={t('admin.service.policyUrl')} hint={t('admin.service.policyUrlHint')} value={v.policyUrl} error={e['controller.policyUrl']} required />
      </fieldset>
      <CheckboxGroup name="purposes" label={t('admin.service.purposes')} hint={t('admin.service.codesHint')} values={v.purposes} options={options('purpose')} error={e.purposes} />
      <CheckboxGroup name="categories" label={t('admin.service.categories')} hint={t('admin.service.codesHint')} values={v.categories} options={options('category')} error={e.categories} />
      <CheckboxGroup name="processing" label={t('admin.service.processing')} values={v.processing} options={options('processing')} error={e.processing} />
      {props.mode === 'new' ? (
        <TextArea name="jwks" label={t('admin.service.jwks')} hint={t('admin.service.jwksHint')} value={v.jwks} error={e.jwks} rows={6} />
      ) : null}
      <div class="actions">
        <button type="submit" class="primary">
          {t(props.mode === 'new' ? 'admin.service.create' : 'common.save')}
        </button>
        <a href={props.mode === 'new' ? '/admin/services' : props.action}>{t('common.cancel')}</a>
      </div>
    </form>
  );
}
