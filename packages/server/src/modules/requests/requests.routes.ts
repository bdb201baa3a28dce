import { responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import {
  AgencyFootageRequestSchema,
  CheckResult,
  CloseBody,
  type Draft,
  DraftSchema,
  FootageRequestSchema,
  JustificationBody,
  RequestIdParams,
  RequestListQuery,
  RequestPage,
} from './requests.schema.js';

/**
 * Footage requests: agency members check and file them; anyone reads them. The 422 `request_refused` problem
 * carries `violations[]`, each naming the rule, the policy version and what was wrong.
 */
// `as Draft`: the schema's positions are number[] of exactly two items, which TypeBox cannot type as a tuple.
export function requestsRoutes(app: App, { requests }: Services): void {
  app.post(
    '/api/requests/check',
    {
      schema: {
        operationId: 'checkFootageRequest',
        tags: ['requests'],
        summary: 'Check a draft against the policy that would apply; nothing is filed or logged',
        body: DraftSchema,
        response: responses(200, CheckResult, 401, 403),
      },
    },
    (request) => requests.check(request.viewer, request.body as Draft),
  );

  app.post(
    '/api/requests',
    {
      schema: {
        operationId: 'fileFootageRequest',
        tags: ['requests'],
        summary:
          'File a footage request: published and logged, or refused (422, logged) naming every rule broken',
        body: DraftSchema,
        response: responses(201, FootageRequestSchema, 401, 403, 422),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await requests.publish(request.viewer, request.body as Draft)),
  );

  app.get(
    '/api/requests',
    {
      schema: {
        operationId: 'listFootageRequests',
        tags: ['requests'],
        summary: 'Published footage requests, newest first (public)',
        querystring: RequestListQuery,
        response: responses(200, RequestPage),
      },
    },
    (request) => requests.list(request.query),
  );

  app.get(
    '/api/requests/:id',
    {
      schema: {
        operationId: 'getFootageRequest',
        tags: ['requests'],
        summary: 'One published footage request (public): never who or how many it reached',
        params: RequestIdParams,
        response: responses(200, FootageRequestSchema, 404),
      },
    },
    (request) => requests.get(request.params.id),
  );

  app.get(
    '/api/agency/requests/:id',
    {
      schema: {
        operationId: 'getAgencyFootageRequest',
        tags: ['requests'],
        summary: 'One of your agency’s requests, with its investigator and the area as drawn',
        params: RequestIdParams,
        response: responses(200, AgencyFootageRequestSchema, 401, 403, 404),
      },
    },
    (request) => requests.getForAgency(request.viewer, request.params.id),
  );

  app.post(
    '/api/requests/:id/close',
    {
      schema: {
        operationId: 'closeFootageRequest',
        tags: ['requests'],
        summary: 'Close your agency’s open request (logged with the reason); owners’ inbox items go with it',
        params: RequestIdParams,
        body: CloseBody,
        response: responses(200, FootageRequestSchema, 401, 403, 404, 409),
      },
    },
    (request) => requests.close(request.viewer, request.params.id, request.body.reason),
  );

  app.post(
    '/api/requests/:id/justification',
    {
      schema: {
        operationId: 'justifyFootageRequest',
        tags: ['requests'],
        summary: 'Give the written justification an exigent request owes (logged; once)',
        params: RequestIdParams,
        body: JustificationBody,
        response: responses(200, FootageRequestSchema, 401, 403, 404, 409),
      },
    },
    (request) => requests.justify(request.viewer, request.params.id, request.body.text),
  );
}
