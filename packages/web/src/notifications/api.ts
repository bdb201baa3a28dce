import { api } from '../api/client';
import { call } from '../api/problem';
import { send } from '../vault/send';
import type { AlertSettings, NotificationList, PushDevice } from './types';

/** The signed-in user's notification centre, alert settings and push devices. */
export const notifications = {
  list: (): Promise<NotificationList> => call(api.GET('/api/notifications')),
  unread: async (): Promise<number> => (await call(api.GET('/api/notifications/count'))).unread,
  markRead: (id: string): Promise<void> =>
    send(api.POST('/api/notifications/{id}/read', { params: { path: { id } } })),
  markAllRead: async (): Promise<number> => (await call(api.POST('/api/notifications/read-all'))).marked,
};

export const alertSettings = {
  get: (): Promise<AlertSettings> => call(api.GET('/api/alerts/settings')),
  save: (body: AlertSettings): Promise<AlertSettings> => call(api.PUT('/api/alerts/settings', { body })),
  /** The one-click unsubscribe of an alert mail; the token is the only credential. */
  unsubscribe: (token: string): Promise<unknown> =>
    call(api.POST('/api/alerts/unsubscribe', { params: { query: { token } } })),
};

export const pushDevices = {
  key: async (): Promise<string> => (await call(api.GET('/api/push/key'))).publicKey,
  list: async (): Promise<PushDevice[]> => (await call(api.GET('/api/push/subscriptions'))).items,
  add: (body: {
    endpoint: string;
    keys: { p256dh: string; auth: string };
    label: string;
  }): Promise<PushDevice> => call(api.POST('/api/push/subscriptions', { body })),
  remove: (id: string): Promise<void> =>
    send(api.DELETE('/api/push/subscriptions/{id}', { params: { path: { id } } })),
};
