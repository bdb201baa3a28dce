import { useSyncExternalStore } from 'react';
import { onSessionLost } from '../api/client';
import type { PageMessage } from '../vault/protocol';
import { vaultWorker } from '../vault/vaultStore';

/**
 * The agency member's unlocked age identity in this tab: a module variable and nowhere else (not storage, not
 * history), like the vault key. The service worker gets a copy to decrypt disclosure streams; signing out,
 * locking, or the session ending forgets it in both places.
 */
export interface UnlockedAgencyKey {
  /** Whose key this is; a different signed-in user never sees it unlocked. */
  userId: string;
  identity: string;
  recipient: string;
}

let current: UnlockedAgencyKey | null = null;
const listeners = new Set<() => void>();

function emit(): void {
  for (const l of listeners) l();
}

/** Keeps `key` in memory for this tab and hands the identity to the service worker. */
export function unlockAgencyKey(key: UnlockedAgencyKey): void {
  current = key;
  emit();
  void tellWorker({ type: 'unlock-agency', identity: key.identity });
}

/** Forgets the identity here and in the service worker. */
export function lockAgencyKey(): void {
  if (!current) return;
  current = null;
  emit();
  const message: PageMessage = { type: 'lock-agency' };
  if ('serviceWorker' in navigator) navigator.serviceWorker.controller?.postMessage(message);
}

onSessionLost(lockAgencyKey);

/** The unlocked agency key of `userId`, re-rendering when it is locked or unlocked. */
export function useAgencyKey(userId: string): UnlockedAgencyKey | null {
  const key = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
  return key && key.userId === userId ? key : null;
}

/**
 * Makes sure the service worker holds the agency identity before a disclosure stream is opened. Sent every
 * time: a worker that was stopped and restarted has forgotten it, and repeating it costs one message.
 */
export async function readyToStreamDisclosures(): Promise<boolean> {
  if (!current) return false;
  const reg = await vaultWorker().catch(() => null);
  if (!reg) return false;
  await tellWorker({ type: 'unlock-agency', identity: current.identity });
  return true;
}

async function tellWorker(message: PageMessage): Promise<void> {
  const reg = await vaultWorker().catch(() => null);
  reg?.active?.postMessage(message);
  // The controller is the worker that answers this page's fetches; it may not be `active` yet after an update.
  const controller = navigator.serviceWorker.controller;
  if (controller && controller !== reg?.active) controller.postMessage(message);
}
