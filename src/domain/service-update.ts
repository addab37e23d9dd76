/**
 * The rules of a change to a registered service (admins update the registry):
 * the same field rules as a registration (domain/service.ts), every field optional, at least
 * one present. The client id and the keys are not changed here. Pure, no I/O.
 */
import { z } from 'zod';
import { ValidationError } from './errors.js';
import { serviceInputSchema, validationFrom, type ServiceInput } from './service.js';

const s = serviceInputSchema.shape;

/** The zod schema of a service update: name, description, controller and the allowed codes. */
export const serviceUpdateSchema = z
  .object({
    name: s.name.optional(),
    description: s.description.optional(),
    controller: s.controller.optional(),
    purposes: s.purposes.optional(),
    categories: s.categories.optional(),
    processing: s.processing.unwrap().optional(),
  })
  .strict();

/** A validated service update: only the fields to change. */
export type ServiceUpdate = Partial<Pick<ServiceInput, 'name' | 'description' | 'controller' | 'purposes' | 'categories' | 'processing'>>;

const normalise = (xs: readonly string[] | undefined): string[] | undefined => (xs === undefined ? undefined : [...new Set(xs)].sort());

/**
 * Validates a service update. Returns it with trimmed texts and sorted, de-duplicated codes;
 * throws ValidationError naming each offending field, or when no field is given.
 */
export function parseServiceUpdate(input: unknown): ServiceUpdate {
  const r = serviceUpdateSchema.safeParse(input);
  if (!r.success) throw validationFrom(r.error.issues);
  const v = r.data;
  if (Object.values(v).every((x) => x === undefined)) {
    throw new ValidationError('(root): give at least one field to change', [{ field: '(root)', message: 'give at least one field to change' }]);
  }
  const out: ServiceUpdate = {};
  if (v.name) out.name = v.name;
  if (v.description) out.description = v.description;
  if (v.controller) out.controller = v.controller;
  if (v.purposes) out.purposes = normalise(v.purposes)!;
  if (v.categories) out.categories = normalise(v.categories)!;
  if (v.processing) out.processing = normalise(v.processing)!;
  return out;
}
