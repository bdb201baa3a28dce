import { Type } from 'typebox';
import { responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import {
  AlertSettingsSchema,
  MarkedRead,
  NotificationList,
  NotificationParams,
  UnreadCount,
  UnsubscribeQuery,
  Unsubscribed,
} from './notifications.schema.js';

/** The notification centre and alert settings of the signed-in account, and the mail unsubscribe link. */
export function notificationsRoutes(app: App, { notifications }: Services): void {
  app.get(
    '/api/notifications',
    {
      schema: {
        operationId: 'listNotifications',
        tags: ['notifications'],
        summary: 'Your notifications, newest first, with the unread count',
        response: responses(200, NotificationList, 401),
      },
    },
    (request) => notifications.list(request.viewer),
  );

  app.get(
    '/api/notifications/count',
    {
      schema: {
        operationId: 'getNotificationCount',
        tags: ['notifications'],
        summary: 'How many of your notifications are unread (the bell)',
        response: responses(200, UnreadCount, 401),
      },
    },
    (request) => notifications.count(request.viewer),
  );

  app.post(
    '/api/notifications/:id/read',
    {
      schema: {
        operationId: 'markNotificationRead',
        tags: ['notifications'],
        summary: 'Mark one notification read',
        params: NotificationParams,
        response: responses(204, Type.Null(), 401, 404),
      },
    },
    async (request, reply) => {
      await notifications.markRead(request.viewer, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/notifications/read-all',
    {
      schema: {
        operationId: 'markAllNotificationsRead',
        tags: ['notifications'],
        summary: 'Mark all your notifications read',
        response: responses(200, MarkedRead, 401),
      },
    },
    (request) => notifications.markAllRead(request.viewer),
  );

  app.get(
    '/api/alerts/settings',
    {
      schema: {
        operationId: 'getAlertSettings',
        tags: ['notifications'],
        summary: 'What you are alerted about and how (defaults until you save)',
        response: responses(200, AlertSettingsSchema, 401),
      },
    },
    (request) => notifications.settings(request.viewer),
  );

  app.put(
    '/api/alerts/settings',
    {
      schema: {
        operationId: 'saveAlertSettings',
        tags: ['notifications'],
        summary: 'Save categories, alert radius, quiet hours and channels',
        body: AlertSettingsSchema,
        response: responses(200, AlertSettingsSchema, 401),
      },
    },
    (request) => notifications.saveSettings(request.viewer, request.body),
  );

  // Mail clients POST `List-Unsubscribe=One-Click` as a form (RFC 8058); nothing in the body matters.
  void app.register((plugin, _opts, done) => {
    const scope = plugin as App;
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 1024 },
      (_request, _body, parsed) => {
        parsed(null, null);
      },
    );
    scope.post(
      '/api/alerts/unsubscribe',
      {
        // The token in the URL is the credential; there is no session to forge a request with.
        config: { csrf: false },
        schema: {
          operationId: 'unsubscribeEmail',
          tags: ['notifications'],
          summary:
            'One-click unsubscribe (RFC 8058) from the link in every alert mail: turns email alerts off',
          querystring: UnsubscribeQuery,
          response: responses(200, Unsubscribed, 404),
        },
      },
      (request) => notifications.unsubscribe(request.query.token),
    );
    done();
  });
}
