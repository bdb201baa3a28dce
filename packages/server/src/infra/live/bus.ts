import { isPublicId } from '../../public-ids.js';
import type { Database } from '../db/index.js';

/** A change that subscribers near `lat`/`lng` should see without reloading. Viewer-neutral; no exact points. */
export type LiveMessage =
  | {
      /** `post.deleted`: its author deleted it; subscribers drop it. `post.updated`: edited or resolved. */
      kind: 'post.created' | 'post.hidden' | 'post.restored' | 'post.deleted' | 'post.updated';
      /** Public ids (po_…, co_…): what subscribers receive is never an internal row id. */
      postId: string;
      areaCell: string;
      lat: number;
      lng: number;
    }
  | {
      /** `comment.deleted`: its author deleted it; open threads drop it. `comment.updated`: edited. */
      kind: 'comment.created' | 'comment.deleted' | 'comment.updated';
      postId: string;
      commentId: string;
      areaCell: string;
      lat: number;
      lng: number;
    }
  /**
   * A footage request was published: its matched owners with a stream open get an inbox event. The message
   * names only the (public) request; each process looks up which of its own subscribers it reached.
   */
  | { kind: 'inbox.request'; requestId: string };

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
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_NOTIFY_BYTES = 7999;

const KINDS: ReadonlySet<string> = new Set([
  'post.created',
  'post.hidden',
  'post.restored',
  'post.deleted',
  'post.updated',
  'comment.created',
  'comment.deleted',
  'comment.updated',
  'inbox.request',
]);
const isCoordinate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Reads a message from another process. Anything malformed is dropped rather than trusted: a stray NOTIFY on
 * the channel (an operator's psql, an older API version) must not reach subscribers or crash the listener.
 */
export function parseLiveMessage(payload: string): LiveMessage | undefined {
  let v: unknown;
  try {
    v = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const m = v as Record<string, unknown>;
  if (m.kind === 'inbox.request') {
    return typeof m.requestId === 'string' && /^rq_[A-Za-z0-9_-]{22}$/.test(m.requestId)
      ? { kind: 'inbox.request', requestId: m.requestId }
      : undefined;
  }
  if (typeof m.kind !== 'string' || !KINDS.has(m.kind) || !isPublicId('po', m.postId)) return undefined;
  if (typeof m.areaCell !== 'string' || !isCoordinate(m.lat) || !isCoordinate(m.lng)) return undefined;
  const place = { postId: m.postId, areaCell: m.areaCell, lat: m.lat, lng: m.lng };
  if (m.kind === 'comment.created' || m.kind === 'comment.deleted' || m.kind === 'comment.updated') {
    return isPublicId('co', m.commentId) ? { kind: m.kind, commentId: m.commentId, ...place } : undefined;
  }
  return {
    kind: m.kind as 'post.created' | 'post.hidden' | 'post.restored' | 'post.deleted' | 'post.updated',
    ...place,
  };
}

/**
 * Bus shared by every API process on one PostgreSQL server through LISTEN/NOTIFY. Each process listens once
 * and fans out locally by cell, so the database carries one notification per change, not per subscriber.
 * A process hears its own notifications too, so local and remote subscribers take the same path.
 */
export async function postgresBus(db: Database): Promise<LiveBus> {
  const handlers = new Set<(m: LiveMessage) => void>();
  const unlisten = await db.listen(CHANNEL, (payload) => {
    const message = parseLiveMessage(payload);
    if (!message) return;
    for (const h of handlers) h(message);
  });
  return {
    async publish(message) {
      const payload = JSON.stringify(message);
      if (Buffer.byteLength(payload) > MAX_NOTIFY_BYTES) {
        throw new Error(`live message is ${Buffer.byteLength(payload)} bytes; NOTIFY allows 7999`);
      }
      await db.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]);
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    close: unlisten,
  };
}
