import { b64 } from '@permis/sdk/encoding';
import type { CheckedCheckpoint, ConsistencyCheck, InclusionCheck, Verdict } from '../routes/officer-log-checks.js';
import type { MessageKey } from '../messages/index.js';
import { formatInstant } from './officer-events-table.js';
import { formatNumber, type Page } from './page.js';

/** ✓ or ✗ with words (never the symbol or colour alone), and the verifier's reason on failure. */
export function VerdictLine({ p, id, verdict, ok, bad }: { p: Page; id: string; verdict: Verdict; ok: MessageKey; bad: MessageKey }) {
  return (
    <div id={id} class={verdict.ok ? 'verdict ok' : 'verdict bad'} data-verdict={verdict.ok ? 'ok' : 'failed'}>
      <p>
        <span class="mark" aria-hidden="true">
          {verdict.ok ? '✓' : '✗'}
        </span>{' '}
        <strong>{p.t(verdict.ok ? 'officer.log.verified' : 'officer.log.failed')}</strong> {p.t(verdict.ok ? ok : bad)}
      </p>
      {verdict.ok ? null : (
        <p class="muted">
          {p.t('officer.log.reason')} <code>{verdict.reason}</code>: {verdict.message}
        </p>
      )}
    </div>
  );
}

/** A hash in base64, breakable anywhere. */
export const Hash = ({ bytes }: { bytes: Uint8Array | null }) => <code class="hash">{bytes ? b64(bytes) : '—'}</code>;

/** A list of proof hashes, numbered. */
export function ProofList({ p, proof }: { p: Page; proof: Uint8Array[] }) {
  if (proof.length === 0) return <p class="muted">{p.t('officer.log.emptyProof')}</p>;
  return (
    <ol class="hashes">
      {proof.map((h) => (
        <li>
          <Hash bytes={h} />
        </li>
      ))}
    </ol>
  );
}

/** Tree size, root, time and signer of a checkpoint. */
export function CheckpointFacts({ p, cp, prefix }: { p: Page; cp: CheckedCheckpoint; prefix: string }) {
  return (
    <dl class="facts" id={`${prefix}-facts`}>
      <dt>{p.t('officer.log.treeSize')}</dt>
      <dd id={`${prefix}-size`}>{formatNumber(p, cp.treeSize)}</dd>
      <dt>{p.t('officer.log.root')}</dt>
      <dd id={`${prefix}-root`}>
        <Hash bytes={cp.root} />
      </dd>
      <dt>{p.t('officer.log.signedAt')}</dt>
      <dd>{formatInstant(p, cp.createdAt)}</dd>
      <dt>{p.t('officer.log.signedBy')}</dt>
      <dd>{cp.signedBy.length ? cp.signedBy.map((n) => <code>{n}</code>) : '—'}</dd>
    </dl>
  );
}

/** The result of a consistency check: both checkpoints, the proof and the verdict. */
export function ConsistencyResult({ p, check }: { p: Page; check: ConsistencyCheck }) {
  return (
    <div class="card" id="consistency-result">
      <VerdictLine p={p} id="consistency-verdict" verdict={check.verdict} ok="officer.log.consistencyOk" bad="officer.log.consistencyBad" />
      <h3>{p.t('officer.log.older', { size: formatNumber(p, check.older.treeSize) })}</h3>
      <CheckpointFacts p={p} cp={check.older} prefix="older" />
      <h3>{p.t('officer.log.newer', { size: formatNumber(p, check.newer.treeSize) })}</h3>
      <CheckpointFacts p={p} cp={check.newer} prefix="newer" />
      <h3>{p.t('officer.log.proof')}</h3>
      <ProofList p={p} proof={check.proof} />
    </div>
  );
}

/** The result of an inclusion check: the event, its leaf, the proof and the verdict. */
export function InclusionResult({ p, check, cp }: { p: Page; check: InclusionCheck; cp: CheckedCheckpoint }) {
  const text = check.leafData ? new TextDecoder().decode(check.leafData) : null;
  return (
    <div class="card" id="inclusion-result">
      <VerdictLine p={p} id="inclusion-verdict" verdict={check.verdict} ok="officer.log.inclusionOk" bad="officer.log.inclusionBad" />
      <dl class="facts">
        <dt>{p.t('officer.log.event')}</dt>
        <dd>
          <code id="inclusion-event-id">{check.eventId || '—'}</code> {check.type ? <code>{check.type}</code> : null}
        </dd>
        {check.createdAt ? (
          <>
            <dt>{p.t('officer.col.time')}</dt>
            <dd>{formatInstant(p, check.createdAt)}</dd>
          </>
        ) : null}
        <dt>{p.t('officer.log.leafIndex')}</dt>
        <dd id="inclusion-leaf-index">{check.index.toString()}</dd>
        <dt>{p.t('officer.log.treeSize')}</dt>
        <dd>{formatNumber(p, cp.treeSize)}</dd>
        <dt>{p.t('officer.log.leafHash')}</dt>
        <dd>
          <Hash bytes={check.leafHash} />
        </dd>
        <dt>{p.t('officer.log.root')}</dt>
        <dd>
          <Hash bytes={cp.root} />
        </dd>
      </dl>
      {text !== null ? (
        <>
          <h3>{p.t('officer.log.leafData')}</h3>
          <pre id="inclusion-leaf-data">{text}</pre>
        </>
      ) : null}
      <h3>{p.t('officer.log.proof')}</h3>
      <ProofList p={p} proof={check.proof} />
    </div>
  );
}
