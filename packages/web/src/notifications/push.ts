import { vaultWorker } from '../vault/vaultStore';
import { pushDevices } from './api';

/** Why this browser cannot take push alerts, or null when it can. */
export function pushUnsupported(): string | null {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window))
    return 'This browser does not support Web Push.';
  if (!window.isSecureContext) return 'Push alerts need the site to be opened over https.';
  return null;
}

/**
 * The one service worker at scope `/` (the vault's; it also handles push, see notifications/sw/push.ts), so
 * subscribing never replaces the worker that decrypts vault clips.
 */
async function registration(): Promise<ServiceWorkerRegistration> {
  const reg = await vaultWorker();
  if (!reg) throw new Error('Service workers are not available in this browser.');
  return reg;
}

/** This browser's current push subscription, if it has one. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  if (pushUnsupported()) return null;
  return (await registration()).pushManager.getSubscription();
}

const base64url = (buf: ArrayBuffer | null): string =>
  buf
    ? btoa(String.fromCharCode(...new Uint8Array(buf)))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '')
    : '';

function keyBytes(base64: string): Uint8Array<ArrayBuffer> {
  const raw = atob(base64.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/** A browser without a reachable push service (headless, some privacy modes) may never settle the promise. */
const SUBSCRIBE_TIMEOUT_MS = 15_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      setTimeout(() => {
        reject(new Error(`no answer within ${ms / 1000} s`));
      }, ms);
    }),
  ]);
}

/** A short name for this device in the settings list, from the user agent. */
export function deviceLabel(ua = navigator.userAgent): string {
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'A browser';
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Mac OS X/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return os ? `${browser} on ${os}` : browser;
}

/**
 * Asks permission, subscribes this browser with the server's VAPID key and registers the subscription.
 * Throws with a sentence a person can act on when permission is refused or the browser has no push service.
 */
export async function subscribeThisDevice(): Promise<void> {
  const why = pushUnsupported();
  if (why) throw new Error(why);
  const permission = await Notification.requestPermission();
  if (permission !== 'granted')
    throw new Error('Notifications are blocked for this site. Allow them in the browser’s site settings.');
  const reg = await registration();
  const key = await pushDevices.key();
  let sub = await reg.pushManager.getSubscription();
  try {
    sub ??= await withTimeout(
      reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) }),
      SUBSCRIBE_TIMEOUT_MS,
    );
  } catch (err) {
    throw new Error(`This browser could not reach its push service (${(err as Error).message}).`, {
      cause: err,
    });
  }
  await pushDevices.add({
    endpoint: sub.endpoint,
    keys: { p256dh: base64url(sub.getKey('p256dh')), auth: base64url(sub.getKey('auth')) },
    label: deviceLabel(),
  });
}

/** Unsubscribes this browser (the server forgets it on its next push, or now via the device list). */
export async function unsubscribeThisDevice(): Promise<void> {
  const sub = await currentSubscription();
  await sub?.unsubscribe();
}
