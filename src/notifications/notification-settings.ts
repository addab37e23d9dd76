/** A citizen's notification settings: language, the channels they turned off, their e-mail address. */
import { openAddress } from '../crypto/address-seal.js';
import { channelOn, isSecurityNotice, type MutedChannels, normaliseMuted, notificationTypes, type NotificationType } from '../domain/notifications.js';
import type { AppDeps } from '../core/deps.js';
import type { Sql } from '../storage/db.js';
import { findAddress, findSettings, type NotificationLanguage, saveSettings } from '../storage/notification-settings-repo.js';
import { addressKeyOf, mailSettings } from './notification-config.js';

/** The settings as the citizen sees them. */
export interface NotificationSettingsView {
  language: NotificationLanguage;
  /** Per type: whether it reaches the inbox and e-mail, and whether the citizen may change that. */
  preferences: { type: NotificationType; inbox: boolean; email: boolean; locked: boolean }[];
  muted: MutedChannels;
  /** Whether this installation sends e-mail at all. */
  mailAvailable: boolean;
  email: { address: string; status: 'unconfirmed' | 'confirmed'; addedAt: Date; confirmedAt: Date | null } | null;
}

/** Reads the citizen's settings (defaults when they never saved any), with their address decrypted. */
export async function readNotificationSettings(sql: Sql, deps: Pick<AppDeps, 'config'>, citizenId: string, fallbackLanguage: NotificationLanguage = 'ca'): Promise<NotificationSettingsView> {
  const saved = await findSettings(sql, citizenId);
  const muted = saved?.muted ?? {};
  const row = await findAddress(sql, citizenId);
  const key = addressKeyOf(deps.config.notifications);
  return {
    language: saved?.language ?? fallbackLanguage,
    muted,
    preferences: notificationTypes.map((type) => ({ type, inbox: channelOn(type, 'inbox', muted), email: channelOn(type, 'email', muted), locked: isSecurityNotice(type) })),
    mailAvailable: mailSettings(deps.config.notifications) !== undefined,
    email:
      row && key
        ? { address: await openAddress(row.addressJwe, citizenId, key), status: row.status, addedAt: row.createdAt, confirmedAt: row.confirmedAt }
        : null,
  };
}

/** A citizen's choice for one type: whether it reaches the inbox, and e-mail. */
export interface PreferenceInput {
  type: string;
  inbox: boolean;
  email: boolean;
}

/**
 * Saves the citizen's language and/or their choices per type (types left out keep theirs).
 * Normalised: security notices cannot be turned off; no inbox means no e-mail either.
 */
export async function saveNotificationSettings(
  tx: Sql,
  deps: Pick<AppDeps, 'clock'>,
  citizenId: string,
  input: { language?: NotificationLanguage | undefined; preferences?: readonly PreferenceInput[] | undefined },
): Promise<void> {
  let muted: MutedChannels | undefined;
  if (input.preferences) {
    const merged: Record<string, string[]> = { ...((await findSettings(tx, citizenId))?.muted ?? {}) };
    for (const p of input.preferences) merged[p.type] = [...(p.inbox ? [] : ['inbox']), ...(p.email ? [] : ['email'])];
    muted = normaliseMuted(merged);
  }
  await saveSettings(tx, citizenId, { language: input.language, muted }, deps.clock.now());
}
