import type { OpenAPIHono } from '@hono/zod-openapi';
import { problemCodes } from '../domain/errors.js';
import type { AppEnv } from './env.js';

/** The package version, written into the OpenAPI document. */
export const API_VERSION = '0.1.0';

/** Builds the OpenAPI 3.1 document of `app`; deterministic for a given code base. */
export function openApiDocument(app: OpenAPIHono<AppEnv>, serverUrl?: string) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'http',
    scheme: 'bearer',
    description: 'A citizen session token (also accepted as the `__Host-permis_session` cookie).',
  });
  const doc = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Permís API',
      version: API_VERSION,
      description:
        'Consent service for a city: citizens grant and withdraw consents with passkeys, services check ' +
        'before every use, officers can prove who used what. Errors are RFC 9457 problems whose stable ' +
        `\`code\` is one of: ${problemCodes.map((c) => `\`${c}\``).join(', ')}.`,
      license: { name: 'EUPL-1.2', url: 'https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12' },
    },
    servers: serverUrl ? [{ url: serverUrl }] : [],
  });
  return doc;
}
