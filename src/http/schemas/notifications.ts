import { z } from '@hono/zod-openapi';
import { notificationTypes } from '../../domain/notifications.js';
import { PageQuery } from './common.js';
import { Timestamp, Uuid } from '../../web/schema-fields.js';

const Lang = z.enum(['ca', 'es', 'en']);

export const NotificationSchema = z
  .object({
    id: Uuid,
    type: z.enum(notificationTypes),
    createdAt: Timestamp,
    readAt: Timestamp.nullable(),
    consentId: Uuid.nullable(),
    requestId: Uuid.nullable(),
    data: z.record(z.string(), z.unknown()).openapi({ description: 'What the text needs: the service id, dates, the threshold in days, a name.' }),
    link: z.url().openapi({ description: 'The portal page the notification leads to.' }),
  })
  .openapi('Notification');

export const NotificationPage = z
  .object({ items: z.array(NotificationSchema), nextCursor: z.string().nullable(), unread: z.number().int().min(0) })
  .openapi('NotificationPage');

export const NotificationListQuery = PageQuery.extend({
  unread: z.enum(['true', 'false']).optional().openapi({ param: { in: 'query' }, description: '`true`: unread only.' }),
}).strict();

export const NotificationIdParam = z.object({ id: Uuid.openapi({ param: { name: 'id', in: 'path' } }) });

export const MarkedRead = z.object({ marked: z.number().int().min(0) }).openapi('NotificationsMarkedRead');

const Preference = z.object({ type: z.enum(notificationTypes), inbox: z.boolean(), email: z.boolean() });

export const NotificationSettingsSchema = z
  .object({
    language: Lang,
    preferences: z.array(Preference.extend({ locked: z.boolean().openapi({ description: 'Security notices: always on.' }) })),
    mailAvailable: z.boolean().openapi({ description: 'Whether this installation sends e-mail.' }),
    email: z
      .object({ address: z.string(), status: z.enum(['unconfirmed', 'confirmed']), addedAt: Timestamp, confirmedAt: Timestamp.nullable() })
      .nullable(),
  })
  .openapi('NotificationSettings');

export const SaveNotificationSettings = z
  .object({
    language: Lang.optional(),
    preferences: z.array(Preference.strict()).max(50).optional().openapi({ description: 'Types left out keep their setting; security notices cannot be turned off.' }),
  })
  .strict()
  .openapi('SaveNotificationSettings');

export const EmailAddressBody = z
  .object({
    address: z.string().min(3).max(254),
    language: Lang.optional().openapi({ description: 'The language of the confirmation and of later notifications.' }),
  })
  .strict()
  .openapi('EmailAddressInput');

export const EmailAddressState = z
  .object({ status: z.enum(['unconfirmed', 'confirmed']), addedAt: Timestamp, confirmedAt: Timestamp.nullable() })
  .openapi('EmailAddressState');

export const RenewalOptionsBody = z
  .object({ validUntil: Timestamp.optional().openapi({ description: 'The new end; default: as long again as now, capped by the catalogue.' }) })
  .strict()
  .openapi('RenewalOptionsRequest');

export const RenewalRequestSchema = z
  .object({
    id: Uuid,
    consentId: Uuid,
    status: z.enum(['pending', 'renewed', 'declined', 'lapsed']),
    validUntil: Timestamp.openapi({ description: 'The end of validity the service asks to renew.' }),
    createdAt: Timestamp,
    decidedAt: Timestamp.nullable(),
  })
  .openapi('RenewalRequest');

const mailStatuses = ['pending', 'sent', 'skipped', 'dead'] as const;

export const AdminMailSchema = z
  .object({
    id: Uuid,
    kind: z.enum(['confirmation', 'notification']),
    eventType: z.string(),
    status: z.enum(mailStatuses),
    attempts: z.number().int(),
    createdAt: Timestamp,
    nextAttemptAt: Timestamp.nullable(),
    lastAttemptAt: Timestamp.nullable(),
    lastError: z.string().nullable(),
    sentAt: Timestamp.nullable(),
  })
  .openapi('NotificationMail');

export const AdminMailPage = z
  .object({
    items: z.array(AdminMailSchema),
    nextCursor: z.string().nullable(),
    counts: z.object({ pending: z.number().int(), sent: z.number().int(), skipped: z.number().int(), dead: z.number().int() }),
  })
  .openapi('NotificationMailPage');

export const AdminMailQuery = PageQuery.extend({ status: z.enum(mailStatuses).optional().openapi({ param: { in: 'query' } }) }).strict();

export const AdminMailDetail = AdminMailSchema.extend({
  deliveryLog: z.array(
    z.object({ attempt: z.number().int(), attemptedAt: Timestamp, durationMs: z.number().int(), outcome: z.enum(['sent', 'retrying', 'dead', 'skipped']), error: z.string().nullable() }),
  ),
}).openapi('NotificationMailDetail');

export const MailIdParam = z.object({ id: Uuid.openapi({ param: { name: 'id', in: 'path' } }) });
