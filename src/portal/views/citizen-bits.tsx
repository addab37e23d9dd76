/** Small pieces the citizen pages share: status badges, catalogue labels, notices after an action. */
import type { CatalogueTerm, TermKind } from '../../domain/catalogue.js';
import type { ConsentStatus } from '../../domain/consent.js';
import type { Service } from '../../domain/service.js';
import type { Sql } from '../../storage/db.js';
import { findTerms } from '../../storage/catalogue-repo.js';
import type { MessageKey } from '../messages/index.js';
import type { Notice } from './layout.js';
import type { Page } from './page.js';

/** Catalogue terms by `kind:code`, to show labels and descriptions in the reader's language. */
export type TermIndex = Map<string, CatalogueTerm>;

/** The catalogue terms behind the given codes (unknown codes are simply absent). */
export async function loadTermIndex(sql: Sql, codes: { purposes?: readonly string[]; categories?: readonly string[]; processing?: readonly string[] }): Promise<TermIndex> {
  const terms = [
    ...(await findTerms(sql, 'purpose', [...new Set(codes.purposes ?? [])])),
    ...(await findTerms(sql, 'category', [...new Set(codes.categories ?? [])])),
    ...(await findTerms(sql, 'processing', [...new Set(codes.processing ?? [])])),
  ];
  return new Map(terms.map((t) => [`${t.kind}:${t.code}`, t]));
}

/** The label of a catalogue code in the page's language, or the code itself when the catalogue lacks it. */
export function termLabel(p: Page, terms: TermIndex, kind: TermKind, code: string): string {
  return terms.get(`${kind}:${code}`)?.label[p.locale] ?? code;
}

/** A list of catalogue terms with their plain-language descriptions (and a mark on sensitive data). */
export function TermList({ p, terms, kind, codes }: { p: Page; terms: TermIndex; kind: TermKind; codes: readonly string[] }) {
  // No processing operation means no check that names one is permitted (src/domain/check.ts).
  if (codes.length === 0) return <p class="muted">{p.t(kind === 'processing' ? 'terms.noProcessing' : 'common.none')}</p>;
  return (
    <ul class="terms">
      {codes.map((code) => {
        const term = terms.get(`${kind}:${code}`);
        return (
          <li>
            <strong>{term?.label[p.locale] ?? code}</strong>
            {term?.sensitive ? <span class="badge expiring">{p.t('terms.sensitive')}</span> : null}
            {term ? <span class="term-description">{term.description[p.locale]}</span> : null}
          </li>
        );
      })}
    </ul>
  );
}

const CONSENT_STATUS: Record<ConsentStatus, MessageKey> = {
  active: 'status.active',
  paused: 'status.paused',
  withdrawn: 'status.withdrawn',
  revoked: 'status.revoked',
  expired: 'status.expired',
};

/** A consent's status as a badge with words (never colour alone). */
export function ConsentBadge({ p, status }: { p: Page; status: ConsentStatus }) {
  return <span class={`badge ${status}`}>{p.t(CONSENT_STATUS[status])}</span>;
}

/** A service's name in the page's language, or a neutral word when it no longer exists. */
export function serviceName(p: Page, service: Pick<Service, 'name'> | undefined | null): string {
  return service?.name[p.locale] ?? p.t('terms.unknownService');
}

/** Loads the services `ids` refer to, once each. */
export async function loadServices(sql: Sql, ids: readonly string[], get: (sql: Sql, id: string) => Promise<Service | undefined>): Promise<Map<string, Service>> {
  const out = new Map<string, Service>();
  for (const id of new Set(ids)) {
    const s = await get(sql, id);
    if (s) out.set(id, s);
  }
  return out;
}

/** What `?notice=` codes say after an action (anything else is ignored: the address is not trusted). */
const NOTICES: Record<string, { key: MessageKey; kind?: 'error' }> = {
  approved: { key: 'notice.approved' },
  rejected: { key: 'notice.rejected' },
  paused: { key: 'notice.paused' },
  resumed: { key: 'notice.resumed' },
  withdrawn: { key: 'notice.withdrawn' },
  narrowed: { key: 'notice.narrowed' },
  'passkey-added': { key: 'notice.passkeyAdded' },
  'passkey-renamed': { key: 'notice.passkeyRenamed' },
  'passkey-removed': { key: 'notice.passkeyRemoved' },
  'last-passkey': { key: 'notice.lastPasskey', kind: 'error' },
  'sessions-revoked': { key: 'notice.sessionsRevoked' },
  erased: { key: 'notice.erased' },
  'enrolled-officer': { key: 'notice.enrolledOfficer' },
  'enrolled-admin': { key: 'notice.enrolledAdmin' },
  renewed: { key: 'notice.renewed' },
  'renewal-declined': { key: 'notice.renewalDeclined' },
  'marked-read': { key: 'notice.markedRead' },
  'all-read': { key: 'notice.allRead' },
  'settings-saved': { key: 'notice.settingsSaved' },
  'email-added': { key: 'notice.emailAdded' },
  'email-resent': { key: 'notice.emailResent' },
  'email-removed': { key: 'notice.emailRemoved' },
  'mail-requeued': { key: 'notice.mailRequeued' },
};

/** The notice named by a `?notice=` code, in the page's language. */
export function noticeFor(p: Page, code: string | undefined): Notice | undefined {
  const n = code ? NOTICES[code] : undefined;
  return n ? { text: p.t(n.key), ...(n.kind ? { kind: n.kind } : {}) } : undefined;
}

/** True when `id` looks like one of our ids (a UUID): anything else cannot exist and is "not found". */
export const isUuid = (id: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
