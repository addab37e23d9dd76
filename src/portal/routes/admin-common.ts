/** What the admin pages share: who is acting, reading forms, and naming fields in error. */
import type { Context } from 'hono';
import { PermisError, ValidationError } from '../../domain/errors.js';
import type { AppDeps } from '../../core/deps.js';
import type { AdminContext } from '../../storage/admin-audit.js';
import type { MessageKey } from '../messages/index.js';
import type { PortalEnv } from '../portal-env.js';
import type { FieldErrors } from '../views/admin-fields.js';
import type { Notice } from '../views/layout.js';
import type { Page } from '../views/page.js';

/** The admin acting on this request, as the API's adminContext (their actions are audited under it). */
export const adminContextOf = (deps: AppDeps, c: Context<PortalEnv>): AdminContext => ({
  clock: deps.clock,
  random: deps.random,
  actorId: c.get('viewer')!.citizenId,
  requestId: c.get('requestId'),
});

/** A submitted form: one string per field, or every value of a repeated field (checkboxes). */
export interface FormData {
  one(name: string): string;
  all(name: string): string[];
}

/** The form of a POST (already checked for CSRF by the portal), values trimmed. */
export async function readForm(c: Context<PortalEnv>): Promise<FormData> {
  const body = await c.req.parseBody({ all: true });
  const values = (name: string): string[] => {
    const v = body[name];
    const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
    return list.filter((x): x is string => typeof x === 'string').map((x) => x.trim());
  };
  return { one: (name) => values(name)[0] ?? '', all: (name) => values(name).filter((x) => x !== '') };
}

/**
 * The fields in error of a ValidationError (dotted paths such as `name.ca`, `purposes.2`,
 * `controller.dpoContact`), each with the message that `messageOf` gives for its field in the
 * page's language. `fieldOf` maps a path to the form's field name (default: the path up to
 * its first numeric segment).
 */
export function fieldErrors(p: Page, err: ValidationError, messageOf: (field: string) => MessageKey, fieldOf?: (path: string) => string): FieldErrors {
  const errors: FieldErrors = {};
  for (const e of err.errors) {
    const path = e.field.replace(/^body\.?/, '') || '(root)';
    const field = fieldOf ? fieldOf(path) : path.split('.').filter((s) => !/^\d+$/.test(s)).slice(0, 2).join('.') || '(root)';
    errors[field] ??= p.t(messageOf(field));
  }
  if (Object.keys(errors).length === 0) errors['(root)'] = p.t('error.validation_failed');
  return errors;
}

/** True for a PermisError with `code`. */
export const isProblem = (err: unknown, code: string): err is PermisError => err instanceof PermisError && err.code === code;

/** The notice named by `?notice=` among `known`, in the page's language. */
export function noticeOf(p: Page, c: Context<PortalEnv>, known: Record<string, MessageKey>): Notice | undefined {
  const key = known[c.req.query('notice') ?? ''];
  return key ? { text: p.t(key) } : undefined;
}
