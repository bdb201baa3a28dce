import type { DisclosureDigest } from './reencrypt';

/** What the page asks the share worker (see `shareWorker.ts`). One worker serves one clip's disclosure. */
/**
 * What is shared: a vault clip, decrypted here with the owner's identity, or a video already in the page (the
 * redaction step's output, which never left the device).
 */
export type ShareSource = { kind: 'vault'; clipId: string; identity: string } | { kind: 'file'; file: Blob };

export type ShareRequest =
  /** Open the source, start a fresh file for `recipients`, hash it all once. */
  /**
   * Open the source, start a fresh file for `recipients`, hash it all once. The file key is also sealed to
   * `keeper` (the owner's own vault recipient), so the share can resume after a reload.
   */
  | { op: 'prepare'; source: ShareSource; recipients: string[]; keeper: string }
  /** Rebuild a share started before a reload from its public head and kept key (opened with `source.identity`). */
  | {
      op: 'resume';
      source: Extract<ShareSource, { kind: 'vault' }>;
      head: Uint8Array;
      keptKey: Uint8Array;
      ciphertextBytes: number;
    }
  /** Ciphertext bytes `[start, end)` of the disclosure, for one tus PATCH. */
  | { op: 'slice'; id: number; start: number; end: number };

export type ShareReply =
  | { op: 'progress'; done: number; total: number }
  /** `head` is public; `keptKey` opens only with the owner's vault identity. */
  | { op: 'prepared'; digest: DisclosureDigest; head: Uint8Array; keptKey: Uint8Array }
  | { op: 'resumed' }
  /** `bytes` is transferred, not copied. */
  | { op: 'slice'; id: number; bytes: ArrayBuffer }
  | { op: 'error'; id?: number; error: string };
