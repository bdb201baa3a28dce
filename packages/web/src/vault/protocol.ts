/**
 * What the vault pages and the vault service worker say to each other. The identity crosses only this
 * in-browser channel; it is never stored, so a restarted worker asks the pages for it again.
 */

/** Virtual URLs the worker answers with decrypted bytes: `/vault/stream/<clipId>[?download=1]`. */
export const STREAM_PREFIX = '/vault/stream/';

/** The worker script, served from the site root so its scope can be `/`. */
export const WORKER_URL = '/vault-sw.js';

/** Status the worker answers when it has no identity and no page gave it one in time. */
export const LOCKED_STATUS = 423;

export type PageMessage =
  | { type: 'unlock'; identity: string }
  | { type: 'lock' }
  /** Take control of uncontrolled pages now (after a hard reload the page starts without a worker). */
  | { type: 'claim' }
  /** Answered on the transferred port with a {@link StatusReply}. */
  | { type: 'status' };

export interface StatusReply {
  unlocked: boolean;
}

export type WorkerMessage = { type: 'identity-needed' };

/** The stream URL of a clip, for playing (inline) or saving (attachment). */
export function streamUrl(clipId: string, options: { download?: boolean } = {}): string {
  return `${STREAM_PREFIX}${encodeURIComponent(clipId)}${options.download ? '?download=1' : ''}`;
}
