/**
 * What the vault pages and the vault service worker say to each other. The identity crosses only this
 * in-browser channel; it is never stored, so a restarted worker asks the pages for it again.
 */

/** Virtual URLs the worker answers with decrypted bytes: `/vault/stream/<clipId>[?download=1]`. */
export const STREAM_PREFIX = '/vault/stream/';

/**
 * Virtual URLs the worker answers with a decrypted agency disclosure: `/vault/disclosure/<disclosureId>`,
 * fetched from `/api/disclosures/<id>/ciphertext` and opened with the agency member's identity (not the vault's).
 */
export const DISCLOSURE_PREFIX = '/vault/disclosure/';

/** The worker script, served from the site root so its scope can be `/`. */
export const WORKER_URL = '/vault-sw.js';

/** Status the worker answers when it has no identity and no page gave it one in time. */
export const LOCKED_STATUS = 423;

export type PageMessage =
  /** `identity`: the vault's identities, one per line (current first, then those retired by rotation). */
  | { type: 'unlock'; identity: string }
  | { type: 'lock' }
  /** The agency member's identity, for disclosure streams; `lock` forgets it too. */
  | { type: 'unlock-agency'; identity: string }
  | { type: 'lock-agency' }
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

/** The stream URL of an agency disclosure, played with the member's identity. */
export function disclosureStreamUrl(disclosureId: string): string {
  return `${DISCLOSURE_PREFIX}${encodeURIComponent(disclosureId)}`;
}
