import type { CatalogueTerm } from '../../domain/catalogue.js';
import type { Service } from '../../domain/service.js';
import type { WebhookEndpoint } from '../../storage/webhook-endpoints-repo.js';
import { ErrorSummary, type FieldErrors, TextArea } from './admin-fields.js';
import { AdminNav } from './admin-nav.js';
import { ServiceForm, serviceFormOf, type ServiceFormValues } from './admin-service-form.js';
import { CsrfField, Layout, type Notice } from './layout.js';
import { formatDateTime, type Page } from './page.js';

/** A service's status as a badge with its word. */
export const StatusBadge = ({ p, status }: { p: Page; status: Service['status'] }) => (
  <span class={`badge ${status === 'active' ? 'active' : 'paused'}`}>{p.t(status === 'active' ? 'admin.service.active' : 'admin.service.suspended')}</span>
);

/** `/admin/services`: every registered service, suspended ones included. */
export function ServiceList({ p, services, next, notice }: { p: Page; services: Service[]; next: string | null; notice?: Notice | undefined }) {
  const t = p.t;
  return (
    <Layout p={p} title={t('admin.services.title')} current="admin" notice={notice}>
      <AdminNav p={p} current="services" />
      <h1>{t('admin.services.title')}</h1>
      <p class="actions">
        <a id="new-service" class="button" href="/admin/services/new">
          {t('admin.service.new')}
        </a>
      </p>
      {services.length === 0 ? (
        <p>{t('admin.services.none')}</p>
      ) : (
        <div class="table-wrap">
          <table id="services-table">
            <caption>{t('admin.services.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.service.name')}</th>
                <th scope="col">{t('admin.service.clientId')}</th>
                <th scope="col">{t('admin.service.controller')}</th>
                <th scope="col">{t('admin.service.status')}</th>
                <th scope="col">{t('admin.service.keys')}</th>
              </tr>
            </thead>
            <tbody>
              {services.map((s) => (
                <tr data-client-id={s.clientId}>
                  <th scope="row">
                    <a href={`/admin/services/${s.id}`}>{s.name[p.locale]}</a>
                  </th>
                  <td>
                    <code>{s.clientId}</code>
                  </td>
                  <td>{s.controller.name}</td>
                  <td>
                    <StatusBadge p={p} status={s.status} />
                  </td>
                  <td>{s.jwks.keys.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next ? (
        <nav class="pager" aria-label={t('admin.pages')}>
          <a href={`/admin/services?cursor=${encodeURIComponent(next)}`} rel="next">
            {t('common.next')}
          </a>
        </nav>
      ) : null}
    </Layout>
  );
}

/**
 * `/admin/services/:id`: facts, status (suspend behind a confirmation, activate at once), the
 * edit form, the keys with their replacement form, and the webhook endpoint (read-only).
 */
export function ServiceDetail(props: {
  p: Page;
  service: Service;
  terms: CatalogueTerm[];
  webhook: WebhookEndpoint | undefined;
  notice?: Notice | undefined;
  values?: ServiceFormValues | undefined;
  errors?: FieldErrors | undefined;
  keysText?: string | undefined;
}) {
  const { p, service: s } = props;
  const t = p.t;
  const editing = props.keysText === undefined ? (props.errors ?? {}) : {};
  const keyErrors = props.keysText !== undefined ? (props.errors ?? {}) : {};
  return (
    <Layout p={p} title={s.name[p.locale]} current="admin" notice={props.notice}>
      <AdminNav p={p} current="services" />
      <h1>{s.name[p.locale]}</h1>
      <dl class="facts" id="service-facts">
        <dt>{t('admin.service.clientId')}</dt>
        <dd>
          <code>{s.clientId}</code>
        </dd>
        <dt>{t('admin.service.id')}</dt>
        <dd>
          <code>{s.id}</code>
        </dd>
        <dt>{t('admin.service.status')}</dt>
        <dd id="service-status">
          <StatusBadge p={p} status={s.status} />
        </dd>
        <dt>{t('admin.service.registered')}</dt>
        <dd>{formatDateTime(p, s.createdAt)}</dd>
        <dt>{t('admin.service.changed')}</dt>
        <dd>{formatDateTime(p, s.updatedAt)}</dd>
      </dl>
      <div class="actions">
        {s.status === 'active' ? (
          <a id="suspend-service" class="button danger" href={`/admin/services/${s.id}/suspend`}>
            {t('admin.service.suspend')}
          </a>
        ) : (
          <form id="activate-form" class="inline-form" method="post" action={`/admin/services/${s.id}/activate`}>
            <CsrfField p={p} />
            <button type="submit" class="primary">
              {t('admin.service.activate')}
            </button>
          </form>
        )}
      </div>

      <h2>{t('admin.service.edit')}</h2>
      <ServiceForm p={p} mode="edit" action={`/admin/services/${s.id}`} values={props.values ?? serviceFormOf(s)} errors={editing} terms={props.terms} />

      <h2 id="keys">{t('admin.service.keys')}</h2>
      {s.jwks.keys.length === 0 ? (
        <p id="no-keys">{t('admin.service.noKeys')}</p>
      ) : (
        <div class="table-wrap">
          <table id="keys-table">
            <caption>{t('admin.service.keysCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.service.kid')}</th>
                <th scope="col">{t('admin.service.keyType')}</th>
              </tr>
            </thead>
            <tbody>
              {s.jwks.keys.map((k) => (
                <tr>
                  <th scope="row">
                    <code>{k.kid}</code>
                  </th>
                  <td>{[k.kty, k.crv, k.alg].filter(Boolean).join(' · ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form id="keys-form" class="stack" method="post" action={`/admin/services/${s.id}/keys`} novalidate>
        <CsrfField p={p} />
        <ErrorSummary p={p} errors={keyErrors} />
        <TextArea name="jwks" label={t('admin.service.jwks')} hint={t('admin.service.keysHint')} value={props.keysText ?? JSON.stringify(s.jwks, null, 2)} error={keyErrors.jwks} rows={8} />
        {keyErrors.confirmEmpty ? (
          <div class="field">
            <p class="field-error" id="f-confirmEmpty-error">
              {keyErrors.confirmEmpty}
            </p>
            <input type="checkbox" id="f-confirmEmpty" name="confirmEmpty" value="yes" aria-invalid="true" aria-describedby="f-confirmEmpty-error" />{' '}
            <label for="f-confirmEmpty" class="inline">
              {t('admin.service.confirmEmpty')}
            </label>
          </div>
        ) : null}
        <div class="actions">
          <button type="submit" class="primary">
            {t('admin.service.replaceKeys')}
          </button>
        </div>
      </form>

      <h2>{t('admin.service.webhook')}</h2>
      {props.webhook ? (
        <dl class="facts" id="webhook-facts">
          <dt>{t('admin.service.webhookUrl')}</dt>
          <dd>
            <code>{props.webhook.url}</code>
          </dd>
          <dt>{t('admin.service.changed')}</dt>
          <dd>{formatDateTime(p, props.webhook.updatedAt)}</dd>
        </dl>
      ) : (
        <p id="no-webhook">{t('admin.service.noWebhook')}</p>
      )}
      <p class="hint">{t('admin.service.webhookHint')}</p>
    </Layout>
  );
}

/** The confirmation step before suspending a service (one action, then confirm). */
export function SuspendConfirm({ p, service: s }: { p: Page; service: Service }) {
  const t = p.t;
  return (
    <Layout p={p} title={t('admin.service.suspendTitle', { name: s.name[p.locale] })} current="admin">
      <AdminNav p={p} current="services" />
      <h1>{t('admin.service.suspendTitle', { name: s.name[p.locale] })}</h1>
      <p class="lead">{t('admin.service.suspendWarning')}</p>
      <form id="suspend-form" class="stack" method="post" action={`/admin/services/${s.id}/suspend`}>
        <CsrfField p={p} />
        <TextArea name="reason" label={t('admin.service.reason')} hint={t('admin.service.reasonHint')} maxlength={500} />
        <div class="actions">
          <button type="submit" class="danger">
            {t('admin.service.suspendConfirm')}
          </button>
          <a href={`/admin/services/${s.id}`}>{t('common.cancel')}</a>
        </div>
      </form>
    </Layout>
  );
}
