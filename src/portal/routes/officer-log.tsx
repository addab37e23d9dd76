import type { Context } from 'hono';
import { isUuid } from '../../domain/ids.js';
import type { AppDeps } from '../../core/deps.js';
import { latestCheckpoint } from '../../storage/log-repo.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import { ErrorSummary, type FieldErrors, TextField } from '../views/admin-fields.js';
import { Layout } from '../views/layout.js';
import { formatInstant } from '../views/officer-events-table.js';
import { CheckpointFacts, ConsistencyResult, Hash, InclusionResult, VerdictLine } from '../views/officer-log-view.js';
import { OfficerNav } from '../views/officer-nav.js';
import { formatNumber, type Page, pageOf } from '../views/page.js';
import {
  type CheckedCheckpoint,
  checkCheckpoint,
  checkConsistency,
  checkInclusion,
  checkpointAt,
  checkStoredTree,
  type ConsistencyCheck,
  type InclusionCheck,
  lookUpLeaf,
  recentCheckpoints,
  trustedCheckpointKeys,
  type Verdict,
} from './officer-log-checks.js';

const SIZE = /^(0|[1-9][0-9]{0,18})$/;
const RECENT = 10;

interface Panel {
  latest?: CheckedCheckpoint;
  tree?: Verdict;
  recent: CheckedCheckpoint[];
  form: Record<'from' | 'to' | 'event' | 'leaf', string | undefined>;
  errors: FieldErrors;
  consistency?: ConsistencyCheck;
  inclusion?: InclusionCheck;
}

function LogPage({ p, panel }: { p: Page; panel: Panel }) {
  const t = p.t;
  const { latest, form, errors } = panel;
  return (
    <Layout p={p} title={t('officer.log.title')} current="officer">
      <OfficerNav p={p} current="log" />
      <h1>{t('officer.log.title')}</h1>
      <p class="lead">{t('officer.log.intro')}</p>
      <ErrorSummary p={p} errors={errors} />
      <section id="checkpoint" aria-labelledby="checkpoint-title">
        <h2 id="checkpoint-title">{t('officer.log.latest')}</h2>
        {latest ? (
          <>
            <VerdictLine p={p} id="checkpoint-verdict" verdict={latest.signature} ok="officer.log.signatureOk" bad="officer.log.signatureBad" />
            {panel.tree ? <VerdictLine p={p} id="tree-verdict" verdict={panel.tree} ok="officer.log.treeOk" bad="officer.log.treeBad" /> : null}
            <CheckpointFacts p={p} cp={latest} prefix="checkpoint" />
            <h3>{t('officer.log.note')}</h3>
            <pre id="checkpoint-note">{latest.note}</pre>
          </>
        ) : (
          <p id="checkpoint-none">{t('officer.log.none')}</p>
        )}
      </section>
      <section id="consistency" aria-labelledby="consistency-title">
        <h2 id="consistency-title">{t('officer.log.consistency')}</h2>
        <p>{t('officer.log.consistencyIntro')}</p>
        <form id="consistency-form" class="stack" method="get" action="/officer/log#consistency" novalidate>
          <TextField name="from" type="number" min={1} label={t('officer.log.fromSize')} value={form.from} error={errors.from} required />
          <TextField name="to" type="number" min={1} label={t('officer.log.toSize')} hint={t('officer.log.toHint')} value={form.to} error={errors.to} />
          <div class="actions">
            <button type="submit" class="primary">
              {t('officer.log.checkConsistency')}
            </button>
          </div>
        </form>
        {panel.consistency ? <ConsistencyResult p={p} check={panel.consistency} /> : null}
        {panel.recent.length > 0 ? (
          <div class="table-wrap">
            <table id="recent-checkpoints">
              <caption>{t('officer.log.recent')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('officer.log.treeSize')}</th>
                  <th scope="col">{t('officer.log.signedAt')}</th>
                  <th scope="col">{t('officer.log.root')}</th>
                  <th scope="col">{t('officer.log.signature')}</th>
                  <th scope="col">{t('officer.log.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {panel.recent.map((cp) => (
                  <tr>
                    <th scope="row">{formatNumber(p, cp.treeSize)}</th>
                    <td>{formatInstant(p, cp.createdAt)}</td>
                    <td>
                      <Hash bytes={cp.root} />
                    </td>
                    <td>
                      <span aria-hidden="true">{cp.signature.ok ? '✓ ' : '✗ '}</span>
                      {t(cp.signature.ok ? 'officer.log.verified' : 'officer.log.failed')}
                    </td>
                    <td>
                      {latest && cp.treeSize > 0n && cp.treeSize < latest.treeSize ? (
                        <a href={`/officer/log?from=${cp.treeSize}&to=${latest.treeSize}#consistency`}>
                          {t('officer.log.compare', { size: cp.treeSize.toString() })}
                        </a>
                      ) : (
                        '—'
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      <section id="inclusion" aria-labelledby="inclusion-title">
        <h2 id="inclusion-title">{t('officer.log.inclusion')}</h2>
        <p>{t('officer.log.inclusionIntro')}</p>
        <form id="inclusion-form" class="stack" method="get" action="/officer/log#inclusion" novalidate>
          <TextField name="event" label={t('officer.log.eventId')} hint={t('officer.log.eventIdHint')} value={form.event} error={errors.event} maxlength={36} />
          <TextField name="leaf" type="number" min={0} label={t('officer.log.leafIndex')} hint={t('officer.log.leafHint')} value={form.leaf} error={errors.leaf} />
          <div class="actions">
            <button type="submit" class="primary">
              {t('officer.log.checkInclusion')}
            </button>
          </div>
        </form>
        {panel.inclusion && latest ? <InclusionResult p={p} check={panel.inclusion} cp={latest} /> : null}
      </section>
    </Layout>
  );
}

/** The consistency check asked for by `from`/`to`, or the fields in error. */
async function consistencyOf(deps: AppDeps, p: Page, panel: Panel, keys: string[]): Promise<void> {
  const { form, latest, errors } = panel;
  if (form.from === undefined && form.to === undefined) return;
  if (!latest) return;
  const from = form.from !== undefined && SIZE.test(form.from) ? BigInt(form.from) : undefined;
  const to = form.to === undefined ? latest.treeSize : SIZE.test(form.to) ? BigInt(form.to) : undefined;
  if (from === undefined || from < 1n) errors.from = p.t('officer.log.err.size');
  if (to === undefined || to < 1n || to > latest.treeSize) errors.to = p.t('officer.log.err.toSize', { size: latest.treeSize.toString() });
  if (from !== undefined && to !== undefined && from > to) errors.from = p.t('officer.log.err.order');
  if (errors.from || errors.to) return;
  const [older, newer] = await Promise.all([checkpointAt(deps.db, from!), checkpointAt(deps.db, to!)]);
  if (!older) errors.from = p.t('officer.log.err.noCheckpoint');
  if (!newer) errors.to = p.t('officer.log.err.noCheckpoint');
  if (!older || !newer) return;
  panel.consistency = await checkConsistency(deps.db, await checkCheckpoint(deps, older, keys), await checkCheckpoint(deps, newer, keys));
}

/** The inclusion check asked for by `event` or `leaf`, or the fields in error. */
async function inclusionOf(deps: AppDeps, p: Page, panel: Panel): Promise<void> {
  const { form, latest, errors } = panel;
  if (form.event === undefined && form.leaf === undefined) return;
  if (!latest) return;
  let ask: { eventId?: string; index?: bigint };
  if (form.event !== undefined) {
    if (!isUuid(form.event)) {
      errors.event = p.t('officer.log.err.eventId');
      return;
    }
    ask = { eventId: form.event.toLowerCase() };
  } else {
    if (!SIZE.test(form.leaf!)) {
      errors.leaf = p.t('officer.log.err.leaf', { size: latest.treeSize.toString() });
      return;
    }
    ask = { index: BigInt(form.leaf!) };
  }
  const found = await lookUpLeaf(deps.db, ask, latest.treeSize);
  const field = form.event !== undefined ? 'event' : 'leaf';
  if (!found.found) {
    errors[field] =
      found.why === 'no_event'
        ? p.t('officer.log.err.noEvent')
        : found.why === 'pending'
          ? p.t('officer.log.err.pending')
          : p.t('officer.log.err.leaf', { size: latest.treeSize.toString() });
    return;
  }
  panel.inclusion = await checkInclusion(deps.db, found.index, latest);
}

/**
 * `GET /officer/log`: the log-integrity panel. The latest checkpoint with its signature
 * verified (every checkpoint key, active or retired) and the stored tree recomputed to its
 * root; `?from=&to=` checks consistency between two signed checkpoints; `?event=` or `?leaf=`
 * checks an event's inclusion in the latest one. All verified here, with the SDK's verifiers.
 */
export function officerLogPage(deps: AppDeps) {
  return async (c: Context<PortalEnv>) => {
    const p = pageOf(c);
    const q = (k: string) => c.req.query(k)?.trim() || undefined;
    const keys = await trustedCheckpointKeys(deps);
    const stored = await latestCheckpoint(deps.db);
    const latest = stored ? await checkCheckpoint(deps, stored, keys) : undefined;
    const recent = await Promise.all((await recentCheckpoints(deps.db, RECENT)).map((cp) => checkCheckpoint(deps, cp, keys)));
    const panel: Panel = { latest, recent, form: { from: q('from'), to: q('to'), event: q('event'), leaf: q('leaf') }, errors: {} };
    if (latest) panel.tree = await checkStoredTree(deps.db, latest);
    await consistencyOf(deps, p, panel, keys);
    await inclusionOf(deps, p, panel);
    return render(c, <LogPage p={p} panel={panel} />, Object.keys(panel.errors).length ? 400 : 200);
  };
}
