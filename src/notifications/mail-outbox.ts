/** The mail outbox as operators see it: counts by status (gauges), pages, one mail's log, a retry of a dead letter. */
import { ConflictError, NotFoundError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import type { AppDeps } from '../core/deps.js';
import { insertAuditEvent } from '../storage/audit-repo.js';
import type { Db, Sql } from '../storage/db.js';
import { findMail, listMail, listMailAttempts, type MailAttempt, mailCounts, type MailRow, type MailStatus, requeueMail } from '../storage/notification-mail-repo.js';

/** A page of mails (`limit + 1` rows, newest first) and how many mails are in each status. */
export async function readMailOutbox(
  sql: Sql,
  q: { status?: MailStatus | undefined; before?: string | undefined; limit: number },
): Promise<{ rows: MailRow[]; counts: Record<MailStatus, number> }> {
  return { rows: await listMail(sql, { ...q, limit: q.limit + 1 }), counts: await mailCounts(sql) };
}

/** One mail and its delivery log; 404 when there is none. */
export async function readMail(sql: Sql, id: string): Promise<{ mail: MailRow; attempts: Omit<MailAttempt, 'nextAttemptAt'>[] }> {
  const mail = await findMail(sql, id);
  if (!mail) throw new NotFoundError('mail');
  return { mail, attempts: await listMailAttempts(sql, id) };
}

/**
 * An admin puts a dead (or skipped) mail back in the queue, due now, attempts counted from 1
 * again; it is decided again before sending (so a removed address still receives nothing).
 * Audited. 404 when there is no such mail, 409 when it is pending or sent.
 */
export async function retryMail(db: Db, deps: Pick<AppDeps, 'clock' | 'random'>, adminId: string, id: string, requestId?: string): Promise<MailRow> {
  return db.transaction(async (tx) => {
    const now = deps.clock.now();
    const mail = await findMail(tx, id);
    if (!mail) throw new NotFoundError('mail');
    if (!(await requeueMail(tx, id, now))) throw new ConflictError('conflict', `This mail is ${mail.status}; only dead or skipped mails can be retried.`, { status: mail.status });
    await insertAuditEvent(tx, {
      id: uuidv7(deps.clock, deps.random),
      type: 'notification_mail.retried',
      actorType: 'admin',
      actorId: adminId,
      requestId,
      data: { mailId: id, eventType: mail.eventType },
      createdAt: now,
    });
    return { ...mail, status: 'pending', attempts: 0, nextAttemptAt: now };
  });
}
