import type { Catalogue, Translate } from '../i18n/define.js';
import { translator } from '../i18n/define.js';
import type { Locale } from '../i18n/locale.js';
import { admin } from './admin.js';
import { adminRoles } from './admin-roles.js';
import { auth } from './auth.js';
import { citizen } from './citizen.js';
import { citizenAccessLog } from './citizen-access-log.js';
import { citizenAccount } from './citizen-account.js';
import { citizenConsents } from './citizen-consents.js';
import { common } from './common.js';
import { errors } from './errors.js';
import { home } from './home.js';
import { officer } from './officer.js';
import { officerLog } from './officer-log.js';
import { mail } from './mail.js';
import { notifications } from './notifications.js';
import { renewal } from './renewal.js';
import { openData } from './open-data.js';

const areas = [common, auth, errors, home, citizen, citizenConsents, citizenAccount, citizenAccessLog, officer, officerLog, admin, adminRoles, notifications, mail, renewal, openData] as const;
/** The area catalogues, in merge order (a key must live in exactly one area). */
export const messageAreas: readonly Catalogue<string>[] = areas;
type KeysOf<C> = C extends Catalogue<infer K> ? K : never;
/** Every message key of the portal. */
export type MessageKey = KeysOf<(typeof areas)[number]>;

/** The whole portal catalogue: every area merged, per language. */
export const messages: Catalogue<MessageKey> = {
  ca: Object.assign({}, ...areas.map((a) => a.ca)),
  es: Object.assign({}, ...areas.map((a) => a.es)),
  en: Object.assign({}, ...areas.map((a) => a.en)),
};

/** The portal translator for `locale`. */
export type T = Translate<MessageKey>;

/** `t(key, params)` in `locale`, over the whole portal catalogue. */
export function portalTranslator(locale: Locale): T {
  return translator(messages, locale);
}
