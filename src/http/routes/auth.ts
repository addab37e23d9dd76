import { createRoute, z } from '@hono/zod-openapi';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '../../crypto/passkeys.js';
import { UnauthenticatedError } from '../../domain/errors.js';
import { findCitizen } from '../../storage/citizens.js';
import { newRouter } from '../router.js';
import { revokeOwnSession } from '../../account/revoke-session.js';
import type { OpenedSession } from '../../account/ceremony.js';
import { finishSignin, startSignin } from '../../account/signin.js';
import { finishSignup, startSignup } from '../../account/signup.js';
import type { AppDeps } from '../../core/deps.js';
import { citizenAuth } from '../middleware/citizen-auth.js';
import { problemResponses } from '../problem.js';
import { Citizen, SignedIn } from '../schemas/citizen.js';
import { AuthenticationResponse, CeremonyId, CreationOptions, Label, RegistrationResponse, RequestOptions } from '../schemas/webauthn.js';
import { clearSessionCookie, setSessionCookie } from '../../web/session-cookie.js';

const jsonBody = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
const jsonOk = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });

const SignupOptionsRequest = z.object({ displayName: Label.openapi({ example: 'Laia' }) }).strict().openapi('SignupOptionsRequest');
const SignupVerifyRequest = z
  .object({ ceremonyId: CeremonyId, response: RegistrationResponse, passkeyName: Label.optional() })
  .strict()
  .openapi('SignupVerifyRequest');
const SigninOptionsRequest = z.object({}).strict().openapi('SigninOptionsRequest');
const SigninVerifyRequest = z.object({ ceremonyId: CeremonyId, response: AuthenticationResponse }).strict().openapi('SigninVerifyRequest');
const CreationCeremony = z.object({ ceremonyId: z.uuid(), options: CreationOptions }).openapi('CreationCeremony');
const RequestCeremony = z.object({ ceremonyId: z.uuid(), options: RequestOptions }).openapi('RequestCeremony');

/** The JSON form of a citizen. */
export const citizenJson = (c: { id: string; displayName: string; createdAt: Date }) => ({
  id: c.id,
  displayName: c.displayName,
  createdAt: c.createdAt.toISOString(),
});

const asRecord = (o: object): Record<string, unknown> => o as Record<string, unknown>;
const sessionJson = (s: OpenedSession) => ({ token: s.token, expiresAt: s.expiresAt.toISOString() });

/**
 * Passkey sign-up, sign-in and sign-out under `/v1/auth`, and `GET /v1/me`. Sign-up and
 * sign-in answer with a session token and set it as the `__Host-permis_session` cookie.
 */
export function authRoutes(deps: AppDeps) {
  const r = newRouter();
  const auth = citizenAuth(deps);

  r.openapi(
    createRoute({
      method: 'post',
      path: '/v1/auth/signup/options',
      tags: ['auth'],
      summary: 'Start a sign-up: WebAuthn creation options for a new passkey',
      request: { body: jsonBody(SignupOptionsRequest) },
      responses: { 200: jsonOk('Creation options and the ceremony id', CreationCeremony), ...problemResponses(400) },
    }),
    async (c) => {
      const { ceremonyId, options } = await startSignup(deps, c.req.valid('json').displayName);
      return c.json({ ceremonyId, options: asRecord(options) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/v1/auth/signup/verify',
      tags: ['auth'],
      summary: 'Finish a sign-up: creates the citizen, the passkey and a session',
      request: { body: jsonBody(SignupVerifyRequest) },
      responses: { 201: jsonOk('Signed up and signed in', SignedIn), ...problemResponses(400) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { citizen, session } = await finishSignup(deps, {
        ceremonyId: body.ceremonyId,
        response: body.response as RegistrationResponseJSON,
        passkeyName: body.passkeyName,
        userAgent: c.req.header('user-agent'),
        requestId: c.get('requestId'),
      });
      setSessionCookie(c, session.token, deps.config.sessionTtlSeconds);
      return c.json({ citizen: citizenJson(citizen), session: sessionJson(session) }, 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/v1/auth/signin/options',
      tags: ['auth'],
      summary: 'Start a sign-in: WebAuthn request options for a discoverable passkey',
      request: { body: { required: false, content: { 'application/json': { schema: SigninOptionsRequest } } } },
      responses: { 200: jsonOk('Request options and the ceremony id', RequestCeremony), ...problemResponses(400) },
    }),
    async (c) => {
      const { ceremonyId, options } = await startSignin(deps);
      return c.json({ ceremonyId, options: asRecord(options) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/v1/auth/signin/verify',
      tags: ['auth'],
      summary: 'Finish a sign-in: verifies the assertion and opens a session',
      request: { body: jsonBody(SigninVerifyRequest) },
      responses: { 200: jsonOk('Signed in', SignedIn), ...problemResponses(400, 401) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { citizen, session } = await finishSignin(deps, {
        ceremonyId: body.ceremonyId,
        response: body.response as AuthenticationResponseJSON,
        userAgent: c.req.header('user-agent'),
        requestId: c.get('requestId'),
      });
      setSessionCookie(c, session.token, deps.config.sessionTtlSeconds);
      return c.json({ citizen: citizenJson(citizen), session: sessionJson(session) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/v1/auth/signout',
      tags: ['auth'],
      summary: 'Sign out: revokes the current session and clears the cookie',
      security: [{ session: [] }],
      middleware: auth,
      responses: { 204: { description: 'Signed out' }, ...problemResponses(401) },
    }),
    async (c) => {
      const who = c.get('citizen');
      await revokeOwnSession(deps, who, who.sessionId, c.get('requestId'));
      clearSessionCookie(c);
      return c.body(null, 204);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/me',
      tags: ['me'],
      summary: "The signed-in citizen's profile",
      security: [{ session: [] }],
      middleware: auth,
      responses: { 200: jsonOk('The profile', Citizen), ...problemResponses(401) },
    }),
    async (c) => {
      const citizen = await findCitizen(deps.db, c.get('citizen').citizenId);
      if (!citizen || citizen.erasedAt) throw new UnauthenticatedError();
      return c.json(citizenJson(citizen), 200);
    },
  );

  return r;
}
