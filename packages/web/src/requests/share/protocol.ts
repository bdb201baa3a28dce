import type { DisclosureDigest } from './reencrypt';

/** What the page asks the share worker (see `shareWorker.ts`). One worker serves one clip's disclosure. */
export type ShareRequest =
  /** Open the vault clip with the owner's identity, start a fresh file for `recipients`, hash it all once. */
  | { op: 'prepare'; clipId: string; identity: string; recipients: string[] }
  /** Ciphertext bytes `[start, end)` of the disclosure, for one tus PATCH. */
  | { op: 'slice'; id: number; start: number; end: number };

export type ShareReply =
  | { op: 'progress'; done: number; total: number }
  | { op: 'prepared'; digest: DisclosureDigest }
  /** `bytes` is transferred, not copied. */
  | { op: 'slice'; id: number; bytes: ArrayBuffer }
  | { op: 'error'; id?: number; error: string };
