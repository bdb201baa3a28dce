import type { Redaction, Track } from '@porchlight/redact';

/** What the redaction page asks its worker. One job at a time; cancel = terminate the worker. */
export type RedactRequest =
  { type: 'detect'; clip: Blob; interval: number } | { type: 'render'; clip: Blob; redaction: Redaction };

/** What the worker answers. */
export type RedactReply =
  | { type: 'progress'; fraction: number; stage: string }
  | {
      type: 'detected';
      tracks: Track[];
      duration: number;
      width: number;
      height: number;
      frames: number;
      /** False when plates could not be looked for (no cascade on this server). */
      plates: boolean;
    }
  | { type: 'rendered'; video: Blob; dropped: string[] }
  | { type: 'error'; message: string };
