import { useSyncExternalStore } from 'react';
import { onSessionLost } from '../api/client';
import { WORKER_URL, type PageMessage, type StatusReply, type WorkerMessage } from './protocol';

/**
 * The unlocked vault of this tab: the age identity, held in a module variable and nowhere else — not in
 * localStorage, IndexedDB, cookies or history state — so closing the tab or pressing Lock forgets it. The
 * vault service worker gets a copy in its memory to decrypt streams, and asks again after a restart.
 */
export interface UnlockedVault {
  /** Whose vault this is; a different signed-in user never sees it unlocked. */
  userId: string;
  identity: string;
  /** Derived from `identity` in this page; what new clips are encrypted to and hubs pin. */
  recipient: string;
  /** Identities retired by key rotation, oldest first: they open the clips from before each rotation. */
  previous: string[];
}

/**
 * What the service worker is given: every identity of the vault, one per line — the format of an age identity
 * file — so a clip opens whichever key generation it was encrypted to.
 */
function keyRing(vault: UnlockedVault): string {
  return [vault.identity, ...vault.previous].join('\n');
}

let current: UnlockedVault | null = null;
const listeners = new Set<() => void>();

function emit(): void {
  for (const l of listeners) l();
}

/** Keeps `vault` in memory for this tab and hands the identity to the service worker. */
export function unlockVault(vault: UnlockedVault): void {
  current = vault;
  emit();
  void tellWorker({ type: 'unlock', identity: keyRing(vault) });
}

/** Forgets the identity here and in the service worker. */
export function lockVault(): void {
  current = null;
  emit();
  // Tell whichever worker controls this page, without registering one just to say so.
  const message: PageMessage = { type: 'lock' };
  if ('serviceWorker' in navigator) navigator.serviceWorker.controller?.postMessage(message);
  if (registration) void tellWorker(message);
}

// A session that ends (expired, signed out elsewhere) takes the vault key with it.
onSessionLost(lockVault);

/** The unlocked vault of `userId`, re-rendering when it is locked or unlocked. */
export function useUnlockedVault(userId: string): UnlockedVault | null {
  const vault = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
  return vault && vault.userId === userId ? vault : null;
}

let registration: Promise<ServiceWorkerRegistration | null> | null = null;

/**
 * Registers the vault service worker once (scope `/`) and resolves when it controls this page, so
 * `/vault/stream/…` requests reach it. Resolves null where service workers are unavailable.
 */
export function vaultWorker(): Promise<ServiceWorkerRegistration | null> {
  if (!('serviceWorker' in navigator)) return Promise.resolve(null);
  registration ??= (async () => {
    const container = navigator.serviceWorker;
    container.addEventListener('message', (event: MessageEvent<WorkerMessage | undefined>) => {
      // A restarted worker lost the identity; give it back if this tab is unlocked.
      if (
        event.data?.type === 'identity-needed' &&
        current &&
        event.source &&
        'postMessage' in event.source
      ) {
        const message: PageMessage = { type: 'unlock', identity: keyRing(current) };
        event.source.postMessage(message);
      }
    });
    container.startMessages();
    const reg = await container.register(WORKER_URL, { scope: '/', type: 'module' });
    const ready = await container.ready;
    if (!container.controller) {
      const controlled = new Promise<void>((resolve) => {
        container.addEventListener(
          'controllerchange',
          () => {
            resolve();
          },
          { once: true },
        );
        // Give up after a while rather than hang; playing then reports the failure.
        setTimeout(resolve, 5000);
      });
      const claim: PageMessage = { type: 'claim' };
      ready.active?.postMessage(claim);
      await controlled;
    }
    return reg;
  })();
  return registration;
}

async function tellWorker(message: PageMessage): Promise<void> {
  const reg = await vaultWorker().catch(() => null);
  reg?.active?.postMessage(message);
  // Messages sent before the worker activated would be lost; the controller is the one that answers fetches.
  if (navigator.serviceWorker.controller !== reg?.active)
    navigator.serviceWorker.controller?.postMessage(message);
}

/** Asks the worker whether it holds the identity (it may have been stopped and restarted since). */
export async function workerIsUnlocked(): Promise<boolean> {
  const reg = await vaultWorker();
  const worker = navigator.serviceWorker.controller ?? reg?.active;
  if (!worker) return false;
  const channel = new MessageChannel();
  const reply = new Promise<boolean>((resolve) => {
    channel.port1.onmessage = (e: MessageEvent<StatusReply>) => {
      resolve(e.data.unlocked);
    };
    setTimeout(() => {
      resolve(false);
    }, 2000);
  });
  const message: PageMessage = { type: 'status' };
  worker.postMessage(message, [channel.port2]);
  return reply;
}

/**
 * Makes sure the worker can decrypt before a stream URL is used: re-sends the identity when the worker
 * says it has none (it would otherwise ask the pages, then answer 423).
 */
export async function readyToStream(): Promise<boolean> {
  const reg = await vaultWorker();
  if (!reg || !current) return false;
  if (!(await workerIsUnlocked())) await tellWorker({ type: 'unlock', identity: keyRing(current) });
  return true;
}
