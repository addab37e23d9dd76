import type { Context } from 'hono';
import { effectiveRequestStatus } from '../../consent/decide-request.js';
import type { AppDeps } from '../../core/deps.js';
import { listConsents } from '../../storage/consents-repo.js';
import { listCitizenRequests } from '../../storage/requests-repo.js';
import { getService } from '../../storage/services-repo.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import { ConsentBadge, loadServices, loadTermIndex, noticeFor, serviceName, termLabel } from '../views/citizen-bits.js';
import { Layout } from '../views/layout.js';
import { formatDate, pageOf } from '../views/page.js';
import { landingPage } from './landing.js';

/** Consents ending within this many days are "expiring soon". */
export const EXPIRING_SOON_DAYS = 30;

/**
 * The front page. Signed out: the landing page. Signed in: requests waiting for an answer,
 * consents in force, those ending within {@link EXPIRING_SOON_DAYS} days, and where to go next.
 */
export async function citizenHome(c: Context<PortalEnv>, deps: AppDeps): Promise<Response> {
  const p = pageOf(c);
  const viewer = p.viewer;
  // Signed out, the only notice that makes sense is the one after erasing the account.
  if (!viewer) return landingPage(c, c.req.query('notice') === 'erased' ? noticeFor(p, 'erased') : undefined);
  const now = deps.clock.now();
  const pending = (await listCitizenRequests(deps.db, { citizenId: viewer.citizenId, status: 'pending', limit: 50 })).filter(
    (r) => effectiveRequestStatus(r, now) === 'pending',
  );
  const live = [
    ...(await listConsents(deps.db, { citizenId: viewer.citizenId, status: 'active', limit: 100, now })),
    ...(await listConsents(deps.db, { citizenId: viewer.citizenId, status: 'paused', limit: 100, now })),
  ];
  const soon = now.getTime() + EXPIRING_SOON_DAYS * 86_400_000;
  const expiring = live.filter((k) => k.valid_until.getTime() <= soon).sort((a, b) => a.valid_until.getTime() - b.valid_until.getTime());
  const services = await loadServices(deps.db, [...pending.map((r) => r.service_id), ...live.map((k) => k.service_id)], getService);
  const terms = await loadTermIndex(deps.db, { purposes: [...pending.flatMap((r) => r.purposes), ...live.flatMap((k) => k.terms.purposes)] });
  const purposes = (codes: string[]) => codes.map((c) => termLabel(p, terms, 'purpose', c)).join(', ');
  return render(
    c,
    <Layout p={p} title={p.t('home.title')} current="home" notice={noticeFor(p, c.req.query('notice'))}>
      <h1>{p.t('home.hello', { name: viewer.displayName })}</h1>
      <p class="lead">{p.t('home.intro')}</p>

      <section aria-labelledby="pending-title">
        <h2 id="pending-title">{p.t('home.pendingTitle')}</h2>
        {pending.length === 0 ? (
          <p class="muted">{p.t('home.pendingNone')}</p>
        ) : (
          <ul class="cards plain" id="pending-requests">
            {pending.map((r) => (
              <li class="card">
                <h3>{serviceName(p, services.get(r.service_id))}</h3>
                <p>{p.t('home.asksFor', { purposes: purposes(r.purposes) })}</p>
                <p class="muted">{p.t('home.answerBy', { date: formatDate(p, r.expires_at) })}</p>
                <a class="button" href={`/requests/${r.id}`}>
                  {p.t('home.readRequest', { service: serviceName(p, services.get(r.service_id)) })}
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="expiring-title">
        <h2 id="expiring-title">{p.t('home.expiringTitle', { days: EXPIRING_SOON_DAYS })}</h2>
        {expiring.length === 0 ? (
          <p class="muted">{p.t('home.expiringNone')}</p>
        ) : (
          <ul id="expiring-consents">
            {expiring.map((k) => (
              <li>
                <a href={`/consents/${k.id}`}>{serviceName(p, services.get(k.service_id))}</a> — {p.t('home.endsOn', { date: formatDate(p, k.valid_until) })}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="active-title">
        <h2 id="active-title">{p.t('home.activeTitle')}</h2>
        {live.length === 0 ? (
          <p class="muted">{p.t('home.activeNone')}</p>
        ) : (
          <ul class="cards plain" id="active-consents">
            {live.map((k) => (
              <li class="card">
                <h3>{serviceName(p, services.get(k.service_id))}</h3>
                <p>
                  <ConsentBadge p={p} status={k.status} />
                </p>
                <p>{p.t('home.usesFor', { purposes: purposes(k.terms.purposes) })}</p>
                <p class="muted">{p.t('home.endsOn', { date: formatDate(p, k.valid_until) })}</p>
                <a href={`/consents/${k.id}`}>{p.t('home.seeConsent', { service: serviceName(p, services.get(k.service_id)) })}</a>
              </li>
            ))}
          </ul>
        )}
      </section>

      <h2>{p.t('home.moreTitle')}</h2>
      <ul>
        <li>
          <a href="/consents">{p.t('home.linkConsents')}</a>
        </li>
        <li>
          <a href="/access-log">{p.t('home.linkAccessLog')}</a>
        </li>
        <li>
          <a href="/account">{p.t('home.linkAccount')}</a>
        </li>
      </ul>
    </Layout>,
  );
}
