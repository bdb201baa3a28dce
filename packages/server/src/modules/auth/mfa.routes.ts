import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import { responses } from '../../http/schema.js';
import { SESSION_COOKIE, cookieOptions, setSessionCookies } from '../../http/session.js';
import type { App } from '../../http/types.js';
import type { Viewer } from '../../policies.js';
import { SessionSchema } from './auth.schema.js';
import { hashToken, type AuthService } from './auth.service.js';
import {
  EnrolledSchema,
  PasskeyRegisterBody,
  ReauthBody,
  RecoveryCodesSchema,
  RemoveFactorBody,
  SecondFactorProofSchema,
  SecondFactorsSchema,
  TotpConfirmBody,
  TotpEnrolmentSchema,
  WebauthnOptions,
} from './mfa.schema.js';

/** Holds a pending sign-in (password accepted, second step not yet): never a session. */
export const PENDING_COOKIE = 'pl_second_step';

const signedIn = (request: FastifyRequest): Viewer => {
  if (!request.viewer) throw new AppError('unauthenticated');
  return request.viewer;
};
const sessionHash = (request: FastifyRequest): string | undefined => {
  const token = request.cookies[SESSION_COOKIE];
  return token ? hashToken(token) : undefined;
};

export function secondFactorRoutes(app: App, auth: AuthService, config: Config): void {
  const rateLimit = { max: config.authRateLimit, timeWindow: '1 minute' };
  const mfa = auth.secondFactors;
  const tags = ['auth'];

  app.post(
    '/api/auth/second-factor',
    {
      config: { rateLimit },
      schema: {
        operationId: 'completeSignIn',
        tags,
        summary: 'The second step of sign-in: an authenticator code, a passkey or a recovery code',
        body: SecondFactorProofSchema,
        response: responses(200, SessionSchema, 401, 403, 429),
      },
    },
    async (request, reply) => {
      const s = await auth.completeSignIn(request.cookies[PENDING_COOKIE], request.body);
      reply.clearCookie(PENDING_COOKIE, cookieOptions(config));
      setSessionCookies(reply, config, s);
      return { user: s.user, csrfToken: s.csrfToken };
    },
  );

  app.post(
    '/api/auth/second-factor/passkey-options',
    {
      config: { rateLimit },
      schema: {
        operationId: 'signInPasskeyOptions',
        tags,
        summary: 'WebAuthn options for answering the second step of sign-in with a passkey',
        response: responses(200, WebauthnOptions, 401, 403, 409, 429),
      },
    },
    async (request) => mfa.signInPasskeyOptions(request.cookies[PENDING_COOKIE]),
  );

  const enrolment = { secondFactorEnrolment: true };

  app.get(
    '/api/me/second-factors',
    {
      config: enrolment,
      schema: {
        operationId: 'getSecondFactors',
        tags,
        summary: 'Your second factors: authenticator app, passkeys and how many recovery codes are left',
        response: responses(200, SecondFactorsSchema, 401),
      },
    },
    async (request) => mfa.status(signedIn(request)),
  );

  app.post(
    '/api/me/second-factors/totp',
    {
      config: enrolment,
      schema: {
        operationId: 'startTotp',
        tags,
        summary: 'Start adding an authenticator app: its secret, otpauth:// URI and QR code',
        response: responses(201, TotpEnrolmentSchema, 401, 403, 409),
      },
    },
    async (request, reply) => reply.status(201).send(await mfa.startTotp(signedIn(request))),
  );

  app.post(
    '/api/me/second-factors/totp/confirm',
    {
      config: { ...enrolment, rateLimit },
      schema: {
        operationId: 'confirmTotp',
        tags,
        summary:
          'Finish adding the authenticator app with its current code (recovery codes come with the first factor)',
        body: TotpConfirmBody,
        response: responses(200, EnrolledSchema, 401, 403, 409, 429),
      },
    },
    async (request) => mfa.confirmTotp(signedIn(request), request.body.code, sessionHash(request)),
  );

  app.post(
    '/api/me/second-factors/passkeys/options',
    {
      config: enrolment,
      schema: {
        operationId: 'passkeyRegistrationOptions',
        tags,
        summary: 'WebAuthn options for adding a passkey (valid five minutes)',
        response: responses(200, WebauthnOptions, 401, 403),
      },
    },
    async (request) => mfa.passkeyRegistrationOptions(signedIn(request)),
  );

  app.post(
    '/api/me/second-factors/passkeys',
    {
      config: { ...enrolment, rateLimit },
      schema: {
        operationId: 'addPasskey',
        tags,
        summary:
          'Add the passkey the browser created for the options (recovery codes come with the first factor)',
        body: PasskeyRegisterBody,
        response: responses(201, EnrolledSchema, 401, 403, 409, 429),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await mfa.addPasskey(signedIn(request), request.body, sessionHash(request))),
  );

  app.post(
    '/api/me/second-factors/challenge',
    {
      schema: {
        operationId: 'secondFactorChallenge',
        tags,
        summary:
          'WebAuthn options for proving a passkey before a sensitive change (removing a factor, deleting)',
        response: responses(200, WebauthnOptions, 401, 403, 409),
      },
    },
    async (request) => mfa.proveOptions(signedIn(request)),
  );

  app.post(
    '/api/me/second-factors/remove',
    {
      config: { rateLimit },
      schema: {
        operationId: 'removeSecondFactor',
        tags,
        summary: 'Remove the authenticator app or a passkey: needs your password and a current factor',
        body: RemoveFactorBody,
        response: responses(200, SecondFactorsSchema, 401, 403, 404, 429),
      },
    },
    async (request) => mfa.remove(signedIn(request), request.body),
  );

  app.post(
    '/api/me/second-factors/recovery-codes',
    {
      config: { rateLimit },
      schema: {
        operationId: 'regenerateRecoveryCodes',
        tags,
        summary:
          'Replace your recovery codes (the old ones stop working): needs your password and a current factor',
        body: ReauthBody,
        response: responses(200, RecoveryCodesSchema, 401, 403, 404, 429),
      },
    },
    async (request) => mfa.regenerateRecoveryCodes(signedIn(request), request.body),
  );
}
