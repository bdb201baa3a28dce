import { Type } from 'typebox';
import { responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import {
  NewPushSubscription,
  PushKey,
  PushSubscriptionList,
  PushSubscriptionParams,
  PushSubscriptionSchema,
} from './push.schema.js';

/** Web Push device subscriptions of the signed-in account. */
export function pushRoutes(app: App, { push }: Services): void {
  app.get(
    '/api/push/key',
    {
      schema: {
        operationId: 'getPushKey',
        tags: ['notifications'],
        summary: 'The server’s VAPID public key, for PushManager.subscribe',
        response: responses(200, PushKey),
      },
    },
    () => push.publicKey(),
  );

  app.get(
    '/api/push/subscriptions',
    {
      schema: {
        operationId: 'listPushSubscriptions',
        tags: ['notifications'],
        summary: 'Your devices that receive Web Push alerts',
        response: responses(200, PushSubscriptionList, 401),
      },
    },
    (request) => push.list(request.viewer),
  );

  app.post(
    '/api/push/subscriptions',
    {
      schema: {
        operationId: 'createPushSubscription',
        tags: ['notifications'],
        summary: 'Subscribe this device to Web Push alerts (the browser’s PushSubscription as JSON)',
        body: NewPushSubscription,
        response: responses(201, PushSubscriptionSchema, 401, 409),
      },
    },
    async (request, reply) => reply.status(201).send(await push.subscribe(request.viewer, request.body)),
  );

  app.delete(
    '/api/push/subscriptions/:id',
    {
      schema: {
        operationId: 'deletePushSubscription',
        tags: ['notifications'],
        summary: 'Stop sending Web Push alerts to one of your devices',
        params: PushSubscriptionParams,
        response: responses(204, Type.Null(), 401, 404),
      },
    },
    async (request, reply) => {
      await push.remove(request.viewer, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
