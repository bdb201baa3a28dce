/*
 * Push and the offline shell, in the one service worker at scope `/` (the vault's: a scope holds one worker, so
 * a second registration would replace it). Imported by src/vault/sw/worker.ts.
 */

import { DISCLOSURE_PREFIX, STREAM_PREFIX } from '../../vault/protocol';

interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface PushEvent extends ExtendableEvent {
  readonly data: { json(): unknown; text(): string } | null;
}
interface NotificationEvent extends ExtendableEvent {
  readonly notification: Notification;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface WindowClient {
  readonly url: string;
  focus(): Promise<WindowClient>;
  navigate(url: string): Promise<WindowClient | null>;
}
interface PushScope {
  readonly location: Location;
  readonly registration: {
    showNotification(title: string, options: NotificationOptions & { data?: unknown }): Promise<void>;
  };
  readonly clients: {
    matchAll(options: { type: 'window'; includeUncontrolled?: boolean }): Promise<WindowClient[]>;
    openWindow(url: string): Promise<WindowClient | null>;
  };
  addEventListener(type: 'push', listener: (event: PushEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: NotificationEvent) => void): void;
  addEventListener(type: 'install', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
}

declare const self: PushScope;

/** The server's push payload (modules/push PushMessage). */
interface PushMessage {
  title: string;
  body: string;
  url: string;
  tag: string;
}

const OFFLINE_CACHE = 'porchlight-offline-v1';
const OFFLINE_PAGE = '/offline.html';

/** A path inside this app; anything else in a payload is ignored, so a push can never open another site. */
function appPath(url: unknown): string {
  return typeof url === 'string' && url.startsWith('/') && !url.startsWith('//') ? url : '/notifications';
}

function parse(event: PushEvent): PushMessage {
  try {
    const m = event.data?.json() as Partial<PushMessage> | undefined;
    if (m && typeof m.title === 'string')
      return {
        title: m.title,
        body: typeof m.body === 'string' ? m.body : '',
        url: appPath(m.url),
        tag: typeof m.tag === 'string' ? m.tag : 'porchlight',
      };
  } catch {
    // Not JSON: show something rather than nothing (a push must be shown; userVisibleOnly).
  }
  return { title: 'Porchlight', body: 'You have a new alert.', url: '/notifications', tag: 'porchlight' };
}

self.addEventListener('push', (event) => {
  const m = parse(event);
  event.waitUntil(
    self.registration.showNotification(m.title, {
      body: m.body,
      tag: m.tag,
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png',
      data: { url: m.url },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL(
    appPath((event.notification.data as { url?: unknown } | null)?.url),
    self.location.origin,
  ).href;
  event.waitUntil(
    (async () => {
      const open = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const tab = open.find((c) => new URL(c.url).origin === self.location.origin);
      if (tab) {
        await tab.focus();
        await tab.navigate(url);
      } else {
        await self.clients.openWindow(url);
      }
    })(),
  );
});

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(OFFLINE_CACHE).then((cache) => cache.add(OFFLINE_PAGE)));
});

// Pages load from the network as always; only when that fails does the cached offline page answer. The vault's
// virtual URLs are left to the vault's handler: a download link is a navigation too, and answering it from the
// network here would save the app's HTML instead of the decrypted clip.
self.addEventListener('fetch', (event) => {
  if (event.request.mode !== 'navigate') return;
  const { pathname } = new URL(event.request.url);
  if (pathname.startsWith(STREAM_PREFIX) || pathname.startsWith(DISCLOSURE_PREFIX)) return;
  event.respondWith(
    fetch(event.request).catch(async () => {
      const page = await caches.match(OFFLINE_PAGE);
      return (
        page ?? new Response('You are offline.', { status: 503, headers: { 'content-type': 'text/plain' } })
      );
    }),
  );
});
