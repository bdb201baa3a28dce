import { responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import {
  AnswerBody,
  DelayNoticeBody,
  DemandIdParams,
  LegalDemandList,
  LegalDemandSchema,
  LegalNoticeList,
  LegalStatsSchema,
  RecordDemandBody,
} from './legal.schema.js';

/** Legal process: admins record demands and answers; owners read their notices; anyone reads the counts. */
export function legalRoutes(app: App, { legal }: Services): void {
  app.post(
    '/api/legal-demands',
    {
      schema: {
        operationId: 'recordLegalDemand',
        tags: ['admin', 'legal'],
        summary: 'Record a legal demand the operator received; logged, and the affected owner is told',
        body: RecordDemandBody,
        response: responses(201, LegalDemandSchema, 401, 403),
      },
    },
    async (request, reply) => reply.code(201).send(await legal.record(request.viewer, request.body)),
  );

  app.get(
    '/api/legal-demands',
    {
      schema: {
        operationId: 'listLegalDemands',
        tags: ['admin', 'legal'],
        summary: 'Every legal demand recorded, newest first (admin)',
        response: responses(200, LegalDemandList, 401, 403),
      },
    },
    (request) => legal.list(request.viewer),
  );

  app.post(
    '/api/legal-demands/:id/answer',
    {
      schema: {
        operationId: 'answerLegalDemand',
        tags: ['admin', 'legal'],
        summary: 'Record what the operator produced in answer; logged; once per demand',
        params: DemandIdParams,
        body: AnswerBody,
        response: responses(200, LegalDemandSchema, 401, 403, 404, 409),
      },
    },
    (request) => legal.answer(request.viewer, request.params.id, request.body.produced),
  );

  app.post(
    '/api/legal-demands/:id/delay-notice',
    {
      schema: {
        operationId: 'delayLegalDemandNotice',
        tags: ['admin', 'legal'],
        summary: 'Record a non-disclosure order delaying the owner’s notice (capped by policy); logged',
        params: DemandIdParams,
        body: DelayNoticeBody,
        response: responses(200, LegalDemandSchema, 401, 403, 404, 409),
      },
    },
    (request) => legal.delayNotice(request.viewer, request.params.id, request.body),
  );

  app.get(
    '/api/legal-demands/stats',
    {
      schema: {
        operationId: 'getLegalDemandStats',
        tags: ['legal'],
        summary: 'Counts of legal demands by kind and answer; public',
        response: responses(200, LegalStatsSchema),
      },
    },
    () => legal.stats(),
  );

  app.get(
    '/api/legal-notices',
    {
      schema: {
        operationId: 'listMyLegalNotices',
        tags: ['legal'],
        summary: 'Legal demands concerning your account, once you may be told of them',
        response: responses(200, LegalNoticeList, 401),
      },
    },
    (request) => legal.notices(request.viewer),
  );
}
