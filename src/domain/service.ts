/**
 * A registered city service: who it is, its controller, what it may ask
 * for, its public keys and whether it is active. Pure types and the input rules, no I/O.
 */
import { z } from 'zod';
import { CODE_PATTERN, type Localised } from './catalogue.js';
import { type FieldError, ValidationError } from './errors.js';
import { CONTROL_CHARACTERS } from './well-formed.js';

/** Whether a service may currently ask for consents and check them. */
export const serviceStatuses = ['active', 'suspended'] as const;
export type ServiceStatus = (typeof serviceStatuses)[number];

/** The data controller behind a service (ISO/IEC TS 27560 / Kantara `piiControllers`). */
export interface Controller {
  /** Legal entity, e.g. "Ajuntament de Barcelona". */
  name: string;
  /** How to reach its data protection officer: an e-mail address or an https URL. */
  dpoContact: string;
  /** The https URL of its privacy policy. */
  policyUrl: string;
}

/** A public JSON Web Key (RFC 7517 §4) as we accept it: no private members, always a `kid`. */
export interface PublicJwk {
  kty: 'OKP' | 'EC' | 'RSA';
  kid: string;
  use?: 'sig';
  alg?: string;
  key_ops?: string[];
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
}

/** A JWK Set (RFC 7517 §5) of public keys only. */
export interface PublicJwks {
  keys: PublicJwk[];
}

/** A service as stored. */
export interface Service {
  id: string;
  /** Kebab-case slug, unique; its OAuth `client_id` (RFC 6749 §2.2). */
  clientId: string;
  name: Localised;
  description: Localised;
  controller: Controller;
  /** Catalogue codes the service may ask for; sorted, no duplicates. */
  purposes: string[];
  categories: string[];
  processing: string[];
  jwks: PublicJwks;
  status: ServiceStatus;
  createdAt: Date;
  updatedAt: Date;
}

/** What registering a service needs (the JWKS is checked separately, see crypto/service-jwks.ts). */
export interface ServiceInput {
  clientId: string;
  name: Localised;
  description: Localised;
  controller: Controller;
  purposes: string[];
  categories: string[];
  processing: string[];
  /** Unvalidated JWKS; absent means an empty set. */
  jwks?: unknown;
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** True for an absolute https URL with a host and no credentials. */
export function isHttpsUrl(s: string): boolean {
  if (!URL.canParse(s)) return false;
  const u = new URL(s);
  return u.protocol === 'https:' && u.hostname !== '' && u.username === '' && u.password === '';
}

/** True for a plausible e-mail address (one `@`, a dotted domain, no spaces or angle brackets). */
export const isEmail = (s: string): boolean => EMAIL.test(s);

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
/** A name: text without control characters (Unicode Cc). */
const nameText = (max: number) => text(max).refine((s) => !CONTROL_CHARACTERS.test(s), 'must not contain control characters');
const localised = (max: number, of = text) => z.object({ ca: of(max), es: of(max), en: of(max) }).strict();
const code = z.string().regex(CODE_PATTERN, 'must be a kebab-case code (a-z, 0-9, -; 2 to 64 characters, starting with a letter)');
const codes = (min: number, max: number) => z.array(code).min(min, `needs at least ${min} entry`).max(max, `must have at most ${max} entries`);
const normalise = (xs: readonly string[]): string[] => [...new Set(xs)].sort();

/** Limits of the service fields (characters, or entries for code lists). */
export const serviceLimits = { name: 120, description: 2000, controllerName: 200, contact: 320, url: 2048, purposes: 50, categories: 100, processing: 50 } as const;

/** The zod schema of a service registration (the CLI's JSON file, see examples/service.example.json). */
export const serviceInputSchema = z
  .object({
    clientId: code,
    name: localised(serviceLimits.name, nameText),
    description: localised(serviceLimits.description),
    controller: z
      .object({
        name: nameText(serviceLimits.controllerName),
        dpoContact: z
          .string()
          .trim()
          .max(serviceLimits.contact)
          .refine((s) => isEmail(s) || isHttpsUrl(s), 'must be an e-mail address or an https URL'),
        policyUrl: z.string().trim().max(serviceLimits.url).refine(isHttpsUrl, 'must be an https URL'),
      })
      .strict(),
    purposes: codes(1, serviceLimits.purposes),
    categories: codes(1, serviceLimits.categories),
    processing: codes(0, serviceLimits.processing).default([]),
    jwks: z.unknown().optional(),
  })
  .strict();

/**
 * Validates a service registration. Returns it with trimmed texts and sorted, de-duplicated
 * codes; throws ValidationError naming each offending field (`name.ca`, `purposes.2`…).
 * Whether the codes exist in the catalogue is checked by the registry, not here.
 */
export function parseServiceInput(input: unknown): ServiceInput {
  const r = serviceInputSchema.safeParse(input);
  if (!r.success) throw validationFrom(r.error.issues);
  const v = r.data;
  return {
    ...v,
    purposes: normalise(v.purposes),
    categories: normalise(v.categories),
    processing: normalise(v.processing),
  };
}

/** A ValidationError listing zod issues as dotted field paths under `prefix`. */
export function validationFrom(issues: readonly z.core.$ZodIssue[], prefix?: string): ValidationError {
  const errors: FieldError[] = issues.slice(0, 20).map((i) => ({
    field: [prefix, ...i.path.map(String)].filter((p) => p !== undefined && p !== '').join('.') || (prefix ?? '(root)'),
    message: i.message,
  }));
  return new ValidationError(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}
