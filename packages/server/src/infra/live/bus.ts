import type { Database } from '../db/index.js';

/** A change that subscribers near `lat`/`lng` should see without reloading. Viewer-neutral; no exact points. */
export type LiveMessage =
  | {
      kind: 'post.created' | 'post.hidden' | 'post.restored';
      postId: number;
      areaCell: string;
      lat: number;
      lng: number;
    }
  | {
      kind: 'comment.created';
      postId: number;
      commentId: number;
      areaCell: string;
      lat: number;
      lng: number;
    };

/** Carries live messages to every API process. Publish after the change has committed. */
export interface LiveBus {
  publish(message: LiveMessage): Promise<void>;
  /** Registers a handler for every message, from this process or others. Returns an unsubscribe function. */
  subscribe(handler: (message: LiveMessage) => void): () => void;
  close(): Promise<void>;
}

/** In-process bus: enough for one API process (the embedded default). */
export function memoryBus(): LiveBus {
  const handlers = new Set<(m: LiveMessage) => void>();
  return {
    publish(message) {
      for (const h of handlers) h(message);
      return Promise.resolve();
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    close: () => Promise.resolve(),
  };
}

const CHANNEL = 'porchlight_live';

/**
 * Bus shared by every API process on one PostgreSQL server through LISTEN/NOTIFY. Each process listens once
 * and fans out locally by cell, so the database carries one notification per change, not per subscriber.
 */
export async function postgresBus(db: Database): Promise<LiveBus> {
  const handlers = new Set<(m: LiveMessage) => void>();
  const unlisten = await db.listen(CHANNEL, (payload) => {
    let message: LiveMessage;
    try {
      message = JSON.parse(payload) as LiveMessage;
    } catch {
      return;
    }
    for (const h of handlers) h(message);
  });
  return {
    async publish(message) {
      await db.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(message)]);
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    close: unlisten,
  };
}
