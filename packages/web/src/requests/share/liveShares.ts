import type { PreparedShare } from './disclosureUpload';

/*
 * What this page knows about its shares beyond the stored records (pendingShares.ts), in memory only:
 *
 * - which shares it is sending right now — they have a record (so a reload can resume them) but are not
 *   "unfinished" while they go, so the page must not offer to resume them;
 * - shares whose upload gave up while the page stayed open (tus used up its retries) and whose source only this
 *   page holds: a redacted copy, which is never stored. Its worker is kept, so "Resume sharing" continues the
 *   same bytes without a reload. A vault clip is not kept here: its worker (which holds the vault identity) is
 *   stopped and the stored record resumes it, exactly as after a reload.
 *
 * Listeners hear of every change, and of every stored record written or forgotten, so the page's list of
 * unfinished shares follows without a reload.
 */

const sending = new Set<string>();
const interrupted = new Map<string, PreparedShare>();
const changes = new EventTarget();

/** Calls `listener` after every change to the shares of this page; returns the unsubscribe. */
export function onSharesChanged(listener: () => void): () => void {
  const handler = () => {
    listener();
  };
  changes.addEventListener('change', handler);
  return () => {
    changes.removeEventListener('change', handler);
  };
}

/** Tells listeners that a stored share was written or forgotten. */
export function sharesChanged(): void {
  changes.dispatchEvent(new Event('change'));
}

/** Marks the share `key` as being sent by this page now (`on`), or no longer. */
export function markSending(key: string, on: boolean): void {
  if (on) sending.add(key);
  else sending.delete(key);
  sharesChanged();
}

/** Whether this page is sending the share `key` right now. */
export function isSending(key: string): boolean {
  return sending.has(key);
}

/** Keeps an interrupted share whose source only this page holds, to be continued without a reload. */
export function keepInterrupted(key: string, share: PreparedShare): void {
  const before = interrupted.get(key);
  if (before && before !== share) before.release();
  interrupted.set(key, share);
  sharesChanged();
}

/** The kept interrupted share `key`, if this page still holds it (it stays kept). */
export function interruptedShare(key: string): PreparedShare | undefined {
  return interrupted.get(key);
}

/** Takes the interrupted share `key` out of this page's keeping; the caller sends, releases or discards it. */
export function takeInterrupted(key: string): PreparedShare | undefined {
  const share = interrupted.get(key);
  interrupted.delete(key);
  return share;
}

/**
 * Stops and forgets every interrupted share this page keeps: at sign-out, or when the session ends elsewhere,
 * a redacted copy (and its worker) must not outlive the session for the next person at this browser.
 */
export function forgetInterruptedShares(): void {
  for (const share of interrupted.values()) share.release();
  interrupted.clear();
  sharesChanged();
}
