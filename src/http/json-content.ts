import type { z } from '@hono/zod-openapi';

/** An OpenAPI `content` entry: `schema` as `application/json` (for `createRoute` bodies and responses). */
export const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
