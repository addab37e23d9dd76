import { type CatalogueTerm, type Lang, langs, type TermKind, termKinds } from '../../domain/catalogue.js';
import type { MessageKey } from '../messages/index.js';
import { ErrorSummary, type FieldErrors, SelectField, TextArea, TextField } from './admin-fields.js';
import { AdminNav } from './admin-nav.js';
import { CsrfField, Layout, type Notice } from './layout.js';
import type { Page } from './page.js';

/** The values of the term form, as typed. */
export interface TermFormValues {
  kind: string;
  code: string;
  dpv: string;
  label: Record<Lang, string>;
  description: Record<Lang, string>;
  sensitive: boolean;
  maxValidityDays: string;
}

/** The form of a new term, or filled with `term`. */
export const termFormOf = (term?: CatalogueTerm): TermFormValues => ({
  kind: term?.kind ?? 'purpose',
  code: term?.code ?? '',
  dpv: term?.dpv ?? '',
  label: term ? { ...term.label } : { ca: '', es: '', en: '' },
  description: term ? { ...term.description } : { ca: '', es: '', en: '' },
  sensitive: term?.sensitive ?? false,
  maxValidityDays: term?.maxValidityDays == null ? '' : String(term.maxValidityDays),
});

/** The plural heading of each kind. */
export const KIND_TITLES: Record<TermKind, MessageKey> = {
  purpose: 'admin.catalogue.purposes',
  category: 'admin.catalogue.categories',
  processing: 'admin.catalogue.processing',
};
const KIND_NAMES: Record<TermKind, MessageKey> = { purpose: 'admin.term.kindPurpose', category: 'admin.term.kindCategory', processing: 'admin.term.kindProcessing' };
const LANG_NAMES: Record<Lang, string> = { ca: 'català', es: 'español', en: 'English' };

/** `/admin/catalogue`: purposes, data categories and operations with their texts in the three languages. */
export function CatalogueList({ p, terms, notice }: { p: Page; terms: CatalogueTerm[]; notice?: Notice | undefined }) {
  const t = p.t;
  return (
    <Layout p={p} title={t('admin.catalogue.title')} current="admin" notice={notice}>
      <AdminNav p={p} current="catalogue" />
      <h1>{t('admin.catalogue.title')}</h1>
      <p class="lead">{t('admin.catalogue.intro')}</p>
      <p class="actions">
        <a id="new-term" class="button" href="/admin/catalogue/new">
          {t('admin.term.new')}
        </a>
      </p>
      {termKinds.map((kind) => (
        <section aria-labelledby={`kind-${kind}`}>
          <h2 id={`kind-${kind}`}>{t(KIND_TITLES[kind])}</h2>
          <div class="table-wrap">
            <table id={`terms-${kind}`}>
              <caption>{t(KIND_TITLES[kind])}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.term.code')}</th>
                  {langs.map((l) => (
                    <th scope="col" lang={l}>
                      {LANG_NAMES[l]}
                    </th>
                  ))}
                  <th scope="col">{t('admin.term.dpv')}</th>
                  <th scope="col">{t('admin.term.rules')}</th>
                </tr>
              </thead>
              <tbody>
                {terms
                  .filter((x) => x.kind === kind)
                  .map((x) => (
                    <tr data-code={x.code}>
                      <th scope="row">
                        <a href={`/admin/catalogue/${x.kind}/${x.code}`}>
                          <span class="visually-hidden">{t('admin.term.editLink')} </span>
                          <code>{x.code}</code>
                        </a>
                      </th>
                      {langs.map((l) => (
                        <td lang={l}>{x.label[l]}</td>
                      ))}
                      <td>{x.dpv ? <code>{x.dpv}</code> : '—'}</td>
                      <td>
                        {x.sensitive ? <span class="badge expiring">{t('admin.term.sensitiveBadge')}</span> : null}
                        {x.maxValidityDays !== null ? t('admin.term.maxDays', { days: x.maxValidityDays }) : null}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </Layout>
  );
}

/** The form to add a term (`term` undefined) or change one. */
export function TermForm({ p, term, values: v, errors: e, notice }: { p: Page; term?: CatalogueTerm; values: TermFormValues; errors: FieldErrors; notice?: Notice | undefined }) {
  const t = p.t;
  const title = term ? t('admin.term.editTitle', { code: term.code }) : t('admin.term.new');
  const action = term ? `/admin/catalogue/${term.kind}/${term.code}` : '/admin/catalogue';
  const kind = (term?.kind ?? v.kind) as TermKind;
  return (
    <Layout p={p} title={title} current="admin" notice={notice}>
      <AdminNav p={p} current="catalogue" />
      <h1>{title}</h1>
      <form id="term-form" class="stack" method="post" action={action} novalidate>
        <CsrfField p={p} />
        <ErrorSummary p={p} errors={e} />
        {term ? (
          <p>
            {t(KIND_NAMES[term.kind])} · <code>{term.code}</code>
          </p>
        ) : (
          <>
            <SelectField name="kind" label={t('admin.term.kind')} value={v.kind} error={e.kind} options={termKinds.map((k) => ({ value: k, label: t(KIND_NAMES[k]) }))} />
            <TextField name="code" label={t('admin.term.code')} hint={t('admin.term.codeHint')} value={v.code} error={e.code} required maxlength={64} />
          </>
        )}
        <TextField name="dpv" label={t('admin.term.dpv')} hint={t('admin.term.dpvHint')} value={v.dpv} error={e.dpv} maxlength={160} />
        <fieldset>
          <legend>{t('admin.term.label')}</legend>
          {langs.map((l) => (
            <TextField name={`label.${l}`} label={LANG_NAMES[l]} value={v.label[l]} error={e[`label.${l}`]} required maxlength={120} />
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('admin.term.description')}</legend>
          {langs.map((l) => (
            <TextArea name={`description.${l}`} label={LANG_NAMES[l]} value={v.description[l]} error={e[`description.${l}`]} required maxlength={2000} />
          ))}
        </fieldset>
        {!term || kind === 'category' ? (
          <div class="field">
            {e.sensitive ? (
              <p class="field-error" id="f-sensitive-error">
                {e.sensitive}
              </p>
            ) : null}
            <input type="checkbox" id="f-sensitive" name="sensitive" value="yes" checked={v.sensitive} aria-describedby={e.sensitive ? 'f-sensitive-error' : undefined} aria-invalid={e.sensitive ? 'true' : undefined} />{' '}
            <label for="f-sensitive" class="inline">
              {t('admin.term.sensitive')}
            </label>
          </div>
        ) : null}
        {!term || kind === 'purpose' ? (
          <TextField name="maxValidityDays" type="number" min={1} label={t('admin.term.maxValidityDays')} hint={t('admin.term.maxValidityHint')} value={v.maxValidityDays} error={e.maxValidityDays} />
        ) : null}
        <div class="actions">
          <button type="submit" class="primary">
            {term ? t('common.save') : t('admin.term.create')}
          </button>
          <a href="/admin/catalogue">{t('common.cancel')}</a>
          {term ? (
            <a id="delete-term" class="button danger" href={`/admin/catalogue/${term.kind}/${term.code}/delete`}>
              {t('admin.term.delete')}
            </a>
          ) : null}
        </div>
      </form>
    </Layout>
  );
}

/** The confirmation before deleting (retiring) a term; `inUse` when the catalogue refused. */
export function TermDeleteConfirm({ p, term, inUse }: { p: Page; term: CatalogueTerm; inUse?: { services: number; requests: number; consents: number } }) {
  const t = p.t;
  const title = t('admin.term.deleteTitle', { code: term.code });
  return (
    <Layout p={p} title={title} current="admin" notice={inUse ? { kind: 'error', text: t('admin.term.inUse', { ...inUse }) } : undefined}>
      <AdminNav p={p} current="catalogue" />
      <h1>{title}</h1>
      <p class="lead">{t('admin.term.deleteWarning')}</p>
      <form id="delete-term-form" method="post" action={`/admin/catalogue/${term.kind}/${term.code}/delete`}>
        <CsrfField p={p} />
        <div class="actions">
          <button type="submit" class="danger">
            {t('admin.term.deleteConfirm')}
          </button>
          <a href={`/admin/catalogue/${term.kind}/${term.code}`}>{t('common.cancel')}</a>
        </div>
      </form>
    </Layout>
  );
}
