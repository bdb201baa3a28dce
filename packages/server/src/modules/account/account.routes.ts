import { Type } from 'typebox';
import type { Config } from '../../config.js';
import { responses } from '../../http/schema.js';
import { CSRF_COOKIE, SESSION_COOKIE, cookieOptions } from '../../http/session.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import {
  AccountSchema,
  DeleteAccountBody,
  EndedSchema,
  ExportResponse,
  ResetPasswordBody,
  ResetRequestBody,
  ResetRequestedSchema,
  SessionIdParams,
  SessionList,
  VerifiedSchema,
  VerifyEmailBody,
} from './account.schema.js';

export function accountRoutes(app: App, { account }: Services, config: Config): void {
  const rateLimit = { max: config.authRateLimit, timeWindow: '1 minute' };
  // Ending sessions is a way out, so a staff session that still needs a second factor may use these too.
  const leave = { secondFactorEnrolment: true };

  // After each signed-in request: note when and from which browser the session was used (sessions page).
  // After a sign-up: mail the verification link (the sign-up answers without waiting for the mail server).
  app.addHook('onResponse', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (request.viewer && token) {
      await account.touchSession(token, request.headers['user-agent'], request.ip).catch((err: unknown) => {
        request.log.warn({ err }, 'session last-seen not recorded');
      });
    }
    if (request.routeOptions.url === '/api/auth/signup' && reply.statusCode === 201) {
      const email = (request.body as { email?: unknown } | undefined)?.email;
      if (typeof email === 'string') {
        account.verifyAfterSignUp(email).catch((err: unknown) => {
          request.log.warn({ err }, 'verification mail not sent');
        });
      }
    }
  });

  app.get(
    '/api/account',
    {
      config: leave,
      schema: {
        operationId: 'getAccount',
        tags: ['account'],
        summary: 'Your account’s address and whether it is verified',
        response: responses(200, AccountSchema, 401),
      },
    },
    (request) => account.overview(request.viewer),
  );

  app.post(
    '/api/account/email/resend',
    {
      config: { ...leave, rateLimit },
      schema: {
        operationId: 'resendVerification',
        tags: ['account'],
        summary: 'Mail the address-confirmation link again (3 per hour)',
        response: responses(204, Type.Null(), 401, 429),
      },
    },
    async (request, reply) => {
      await account.resendVerification(request.viewer);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/account/email/verify',
    {
      config: { ...leave, rateLimit },
      schema: {
        operationId: 'verifyEmail',
        tags: ['account'],
        summary: 'Confirm an address with the token from the mailed link (works once, signed in or not)',
        body: VerifyEmailBody,
        response: responses(200, VerifiedSchema, 429),
      },
    },
    (request) => account.verifyEmail(request.body.token),
  );

  app.post(
    '/api/auth/password-reset',
    {
      config: { ...leave, rateLimit },
      schema: {
        operationId: 'requestPasswordReset',
        tags: ['auth'],
        summary: 'Mail a password-reset link (30 minutes, once) if the address has an account',
        description: 'Answers the same whether or not the address has an account. 3 per address per hour.',
        body: ResetRequestBody,
        response: responses(202, ResetRequestedSchema, 429),
      },
    },
    async (request, reply) => {
      await account.requestPasswordReset(request.body.email, request.ip);
      return reply.status(202).send({
        message: 'If an account has this address, a link to reset its password is on its way.',
      });
    },
  );

  app.post(
    '/api/auth/password-reset/confirm',
    {
      config: { ...leave, rateLimit },
      schema: {
        operationId: 'resetPassword',
        tags: ['auth'],
        summary: 'Set a new password with a reset link’s token; ends every session of the account',
        body: ResetPasswordBody,
        response: responses(204, Type.Null(), 429),
      },
    },
    async (request, reply) => {
      await account.resetPassword(request.body.token, request.body.password);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/account/sessions',
    {
      config: leave,
      schema: {
        operationId: 'listSessions',
        tags: ['account'],
        summary: 'Your signed-in browser sessions (hubs: GET /api/devices)',
        response: responses(200, SessionList, 401),
      },
    },
    (request) => account.sessions(request.viewer, request.cookies[SESSION_COOKIE]),
  );

  app.delete(
    '/api/account/sessions/:id',
    {
      config: leave,
      schema: {
        operationId: 'endSession',
        tags: ['account'],
        summary: 'Sign one of your sessions out',
        params: SessionIdParams,
        response: responses(204, Type.Null(), 401, 404),
      },
    },
    async (request, reply) => {
      await account.endSession(request.viewer, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/account/sessions/end-others',
    {
      config: leave,
      schema: {
        operationId: 'endOtherSessions',
        tags: ['account'],
        summary: 'Sign out everywhere else: end every session but this one',
        response: responses(200, EndedSchema, 401),
      },
    },
    (request) => account.endOtherSessions(request.viewer, request.cookies[SESSION_COOKIE]),
  );

  app.get(
    '/api/account/export',
    {
      schema: {
        operationId: 'exportAccount',
        tags: ['account'],
        summary: 'Download everything your account holds: a tar of JSON and each clip’s ciphertext as stored',
        response: { ...responses(200, Type.Unsafe(ExportResponse), 401) },
      },
    },
    async (request, reply) => {
      const out = account.exportArchive(request.viewer);
      return reply
        .header('content-type', 'application/x-tar')
        .header('content-disposition', `attachment; filename="${out.filename}"`)
        .header('cache-control', 'no-store')
        .send(out.stream);
    },
  );

  app.delete(
    '/api/account',
    {
      config: { rateLimit },
      schema: {
        operationId: 'deleteAccount',
        tags: ['account'],
        summary: 'Delete your account (password, and a second factor when you have one)',
        body: DeleteAccountBody,
        response: responses(204, Type.Null(), 401, 403, 409, 429),
      },
    },
    async (request, reply) => {
      await account.deleteAccount(request.viewer, request.body);
      reply.clearCookie(SESSION_COOKIE, cookieOptions(config));
      reply.clearCookie(CSRF_COOKIE, cookieOptions(config));
      return reply.status(204).send(null);
    },
  );
}
