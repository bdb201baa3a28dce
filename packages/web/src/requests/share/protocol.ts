import type { DisclosureDigest } from './reencrypt';

/** What the page asks the share worker (see `shareWorker.ts`). One worker serves one clip's disclosure. */
/**
 * What is shared: a vault clip, decrypted here with the owner's identity, or a video already in the page (the
 * redaction step's output, which never left the device).
 */
export type ShareSource = { kind: 'vault'; clipId: string; identity: string } | { kind: 'file'; file: Blob };

export type ShareRequest =
  /** Open the source, start a fresh file for `recipients`, hash it all once. */
  | { op: 'prepare'; source: ShareSource; recipients: string[] }
  /** Ciphertext bytes `[start, end)` of the disclosure, for one tus PATCH. */
  | { op: 'slice'; id: number; start: number; end: number };

export type ShareReply =
  | { op: 'progress'; done: number; total: number }
  | { op: 'prepared'; digest: DisclosureDigest }
  /** `bytes` is transferred, not copied. */
  | { op: 'slice'; id: number; bytes: ArrayBuffer }
  | { op: 'error'; id?: number; error: string };
