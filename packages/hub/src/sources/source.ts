import type { ClipFetcher } from '../pipeline.js';
import type { Reporter } from '../progress.js';

/** A clip a source has noticed, before the pipeline has touched it. */
export interface NewClip {
  /** Stable id of the clip at its source; also the upload's clientRef, so it must not change on retries. */
  ref: string;
  source: string;
  cameraId: string;
  startedAt: string;
  endedAt: string;
  fetch?: Record<string, string | number>;
  input?: string;
  ownsInput: boolean;
}

/** What a running source can do with the hub. */
export interface SourceContext {
  /** The hub's state directory, for what a source must remember across restarts (e.g. a poll cursor). */
  stateDir?: string;
  /** Journals a clip and queues it; a ref the journal already knows is ignored. */
  submit(clip: NewClip): Promise<void>;
  reporter: Reporter;
  workDir: string;
}

/** A place clips come from. */
export interface Source {
  readonly name: string;
  start(ctx: SourceContext): Promise<void>;
  stop(): Promise<void>;
  /** For sources whose clips are fetched after they are journaled (Frigate). */
  readonly fetcher?: ClipFetcher;
}

/**
 * Sleeps `ms`, or less when `signal` aborts. The abort listener is removed when the timer fires, so a loop
 * that sleeps on one long-lived signal does not pile up listeners (`MaxListenersExceededWarning`).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
