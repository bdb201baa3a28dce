import { Type } from 'typebox';
import { responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import { InboxCount, InboxItemSchema, InboxList, InboxParams } from './inbox.schema.js';

/** The signed-in owner's footage-request inbox. Only the owner reads it; dismissing keeps nothing. */
export function inboxRoutes(app: App, { inbox }: Services): void {
  app.get(
    '/api/inbox',
    {
      schema: {
        operationId: 'getInbox',
        tags: ['requests'],
        summary: 'Open footage requests that reached your cameras, newest first',
        response: responses(200, InboxList, 401),
      },
    },
    (request) => inbox.list(request.viewer),
  );

  app.get(
    '/api/inbox/count',
    {
      schema: {
        operationId: 'getInboxCount',
        tags: ['requests'],
        summary: 'How many open footage requests are in your inbox (the header badge)',
        response: responses(200, InboxCount, 401),
      },
    },
    (request) => inbox.count(request.viewer),
  );

  app.get(
    '/api/inbox/:requestId',
    {
      schema: {
        operationId: 'getInboxItem',
        tags: ['requests'],
        summary: 'One request in your inbox, with your cameras in its area',
        params: InboxParams,
        response: responses(200, InboxItemSchema, 401, 404),
      },
    },
    (request) => inbox.item(request.viewer, request.params.requestId),
  );

  app.post(
    '/api/inbox/:requestId/dismiss',
    {
      schema: {
        operationId: 'dismissInboxItem',
        tags: ['requests'],
        summary: 'Dismiss a request: it leaves your inbox and nothing records that you declined',
        params: InboxParams,
        response: { ...responses(204, Type.Null(), 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await inbox.dismiss(request.viewer, request.params.requestId);
      return reply.status(204).send(null);
    },
  );
}
