/**
 * The rules for adding and changing catalogue terms (admins maintain the
 * vocabulary): kebab-case codes, an optional W3C DPV term, texts in ca, es and en,
 * `sensitive` only for data categories, a validity cap only for purposes. Pure, no I/O.
 */
import { z } from 'zod';
import { CODE_PATTERN, type CatalogueTerm, type Localised, termKinds } from './catalogue.js';
import { type FieldError, ValidationError } from './errors.js';
import { validationFrom } from './service.js';

/** Limits of catalogue texts (characters) and of the validity cap (days). */
export const termLimits = { label: 120, description: 2000, dpv: 160, maxValidityDays: 3650 } as const;

// A compact IRI such as dpv:ServiceProvision or pd:Location (W3C DPV prefixes).
const DPV_PATTERN = /^[a-z][a-z0-9-]{0,31}:[A-Za-z][A-Za-z0-9_-]{0,127}$/;

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const localised = (max: number) => z.object({ ca: text(max), es: text(max), en: text(max) }).strict();
const partialLocalised = (max: number) =>
  z
    .object({ ca: text(max).optional(), es: text(max).optional(), en: text(max).optional() })
    .strict()
    .refine((t) => t.ca !== undefined || t.es !== undefined || t.en !== undefined, 'give at least one of ca, es, en');
const dpv = z.string().max(termLimits.dpv).regex(DPV_PATTERN, 'must be a compact DPV term such as dpv:ServiceProvision or pd:Location');
const maxValidityDays = z.number().int().min(1).max(termLimits.maxValidityDays);

/** The zod schema of a new catalogue term. */
export const termInputSchema = z
  .object({
    kind: z.enum(termKinds),
    code: z.string().regex(CODE_PATTERN, 'must be a kebab-case code (a-z, 0-9, -; 2 to 64 characters, starting with a letter)'),
    dpv: dpv.nullable().default(null),
    label: localised(termLimits.label),
    description: localised(termLimits.description),
    sensitive: z.boolean().default(false),
    maxValidityDays: maxValidityDays.nullable().default(null),
  })
  .strict();

/** The zod schema of a change to a term: any of its texts and attributes, never kind or code. */
export const termUpdateSchema = z
  .object({
    dpv: dpv.nullable().optional(),
    label: partialLocalised(termLimits.label).optional(),
    description: partialLocalised(termLimits.description).optional(),
    sensitive: z.boolean().optional(),
    maxValidityDays: maxValidityDays.nullable().optional(),
  })
  .strict();

/** A validated change to a term; texts may change per language. */
export interface TermUpdate {
  dpv?: string | null;
  label?: Partial<Localised>;
  description?: Partial<Localised>;
  sensitive?: boolean;
  maxValidityDays?: number | null;
}

/** Throws ValidationError when `term` breaks the per-kind rules (sensitive, validity cap). */
function assertKindRules(term: Pick<CatalogueTerm, 'kind' | 'sensitive' | 'maxValidityDays'>): void {
  const errors: FieldError[] = [];
  if (term.sensitive && term.kind !== 'category') errors.push({ field: 'sensitive', message: 'only data categories can be sensitive' });
  if (term.maxValidityDays !== null && term.kind !== 'purpose') {
    errors.push({ field: 'maxValidityDays', message: 'only purposes have a validity cap' });
  }
  if (errors.length) throw new ValidationError(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}

/** Validates a new term; throws ValidationError naming each offending field. */
export function parseTermInput(input: unknown): CatalogueTerm {
  const r = termInputSchema.safeParse(input);
  if (!r.success) throw validationFrom(r.error.issues);
  assertKindRules(r.data);
  return r.data;
}

/**
 * Validates a change to `current` and returns the term as it would be after it; throws
 * ValidationError naming each offending field, or when no field is given.
 */
export function applyTermUpdate(current: CatalogueTerm, input: unknown): CatalogueTerm {
  const r = termUpdateSchema.safeParse(input);
  if (!r.success) throw validationFrom(r.error.issues);
  const u: TermUpdate = r.data;
  if (Object.values(u).every((x) => x === undefined)) {
    throw new ValidationError('(root): give at least one field to change', [{ field: '(root)', message: 'give at least one field to change' }]);
  }
  const next: CatalogueTerm = {
    ...current,
    dpv: u.dpv === undefined ? current.dpv : u.dpv,
    label: { ...current.label, ...stripUndefined(u.label) },
    description: { ...current.description, ...stripUndefined(u.description) },
    sensitive: u.sensitive ?? current.sensitive,
    maxValidityDays: u.maxValidityDays === undefined ? current.maxValidityDays : u.maxValidityDays,
  };
  assertKindRules(next);
  return next;
}

function stripUndefined(t: Partial<Localised> | undefined): Partial<Localised> {
  return Object.fromEntries(Object.entries(t ?? {}).filter(([, v]) => v !== undefined));
}
