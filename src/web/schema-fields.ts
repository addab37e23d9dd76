/** Zod fields shared by the API's schemas (`src/http/schemas/`) and the portal's query parsing. */
import { z } from '@hono/zod-openapi';

/** A UUID path or body parameter. */
export const Uuid = z.uuid().openapi({ example: '01938f2e-8a4b-7c3d-9e5f-0a1b2c3d4e5f' });

/** A catalogue code (kebab-case). */
export const Code = z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'must be a catalogue code (lowercase, digits, hyphens)');

/** RFC 3339 timestamp with offset. */
export const Timestamp = z.iso.datetime({ offset: true }).openapi({ example: '2027-06-30T00:00:00Z' });

/** A service's own reference for the person (printable ASCII, no spaces). */
export const SubjectRef = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
  .openapi({ example: 'expedient-2026-004512' });
