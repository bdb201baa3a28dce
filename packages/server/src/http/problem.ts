import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchemaValidationError,
} from 'fastify';
import { AppError, type FieldError } from '../errors.js';
import { outageError, RETRY_AFTER_SECONDS } from './outage.js';

/** An RFC 9457 problem document, with Porchlight's stable `code` and per-field `errors`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldError[];
}

const PROBLEM_TYPE_BASE = 'https://porchlight.invalid/problems/';

export function sendProblem(reply: FastifyReply, request: FastifyRequest, err: AppError): FastifyReply {
  const body: Problem = {
    type: PROBLEM_TYPE_BASE + err.code,
    title: err.title,
    status: err.status,
    detail: err.detail ?? err.title,
    code: err.code,
    instance: request.url,
    ...(err.errors ? { errors: err.errors } : {}),
    ...err.extensions,
  };
  if (err.status === 503) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return reply.status(err.status).type('application/problem+json').send(body);
}

type AjvIssue = FastifySchemaValidationError;

/**
 * Turns Ajv validation output into field errors that name the field, e.g. `/body/title`. A choice between
 * literals (a category, a role) fails once per literal plus once for `anyOf`; that becomes one error listing
 * the accepted values.
 */
function fieldErrors(context: string, issues: AjvIssue[]): FieldError[] {
  const unions = new Set(issues.filter((i) => i.keyword === 'anyOf').map((i) => i.instancePath));
  const choices = new Map<string, string[]>();
  for (const i of issues) {
    if (i.keyword === 'const' && unions.has(i.instancePath)) {
      choices.set(i.instancePath, [...(choices.get(i.instancePath) ?? []), String(i.params.allowedValue)]);
    }
  }
  return issues.flatMap((i) => {
    let field = `/${context}${i.instancePath}`;
    let message = i.message ?? 'is invalid';
    const allowed = choices.get(i.instancePath);
    if (i.keyword === 'const' && allowed) return [];
    if (i.keyword === 'anyOf' && allowed) {
      message = `must be one of: ${allowed.join(', ')}`;
    } else if (i.keyword === 'additionalProperties') {
      field += `/${String(i.params.additionalProperty)}`;
      message = 'is not an accepted property';
    } else if (i.keyword === 'required') {
      field += `/${String(i.params.missingProperty)}`;
      message = 'is required';
    }
    return [{ field, message }];
  });
}

/**
 * Maps every error to a problem document; unknown errors become a generic 500 with a correlation id.
 * (The not-found handler is set once in app.ts, which knows whether the web app is served.)
 */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) return sendProblem(reply, request, error);
    const fe = error;
    if (fe.validation) {
      const errors = fieldErrors(fe.validationContext ?? 'body', fe.validation);
      const detail = errors.map((e) => `${e.field} ${e.message}`).join('; ');
      return sendProblem(reply, request, new AppError('validation_failed', detail, errors));
    }
    switch (fe.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendProblem(reply, request, new AppError('payload_too_large'));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendProblem(reply, request, new AppError('unsupported_media_type', fe.message));
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return sendProblem(reply, request, new AppError('bad_request', 'the body is not valid JSON'));
      default:
        break;
    }
    if (fe.statusCode === 429) return sendProblem(reply, request, new AppError('rate_limited', fe.message));
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return sendProblem(reply, request, new AppError('bad_request', fe.message));
    }
    const outage = outageError(error);
    if (outage) {
      request.log.warn({ err: error }, 'a dependency is unavailable');
      return sendProblem(reply, request, outage);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(
      reply,
      request,
      new AppError('internal', `something went wrong; correlation id ${request.id}`),
    );
  });
}

/** The problem document for a request no route matches. */
export function routeNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(
    reply,
    request,
    new AppError('not_found', `no route for ${request.method} ${request.url}`),
  );
}
