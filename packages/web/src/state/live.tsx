import { createContext, use, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Comment, Me, Post } from '../api/types';

/** A change pushed by `GET /api/live` for the signed-in user's area. */
export type LiveEvent =
  | { type: 'post'; post: Post }
  | { type: 'post-restored'; post: Post }
  | { type: 'post-hidden'; postId: number }
  | { type: 'comment'; comment: Comment }
  /** The stream came back after a drop; anything pushed meanwhile was missed and must be re-read. */
  | { type: 'resumed' };

export type LiveStatus = 'off' | 'connecting' | 'open' | 'reconnecting' | 'unavailable';

interface LiveApi {
  status: LiveStatus;
  subscribe: (listener: (event: LiveEvent) => void) => () => void;
}

const LiveContext = createContext<LiveApi>({ status: 'off', subscribe: () => () => undefined });

function parse(data: unknown): unknown {
  if (typeof data !== 'string') return undefined;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Holds one Server-Sent Events stream for the signed-in user's area and fans its events out to subscribers.
 * Reopens when the home or radius changes, since the server scopes the stream to them.
 */
export function LiveProvider({ user, children }: { user: Me | null; children: ReactNode }) {
  const [status, setStatus] = useState<LiveStatus>('off');
  const listeners = useRef(new Set<(event: LiveEvent) => void>());
  const scope = user?.home ? `${user.id}:${user.home.cell}:${user.radiusM}` : null;

  useEffect(() => {
    if (!scope) {
      setStatus('off');
      return;
    }
    const emit = (event: LiveEvent) => {
      for (const l of listeners.current) l(event);
    };
    const source = new EventSource('/api/live');
    let dropped = false;
    setStatus('connecting');
    source.onopen = () => {
      setStatus('open');
      if (dropped) emit({ type: 'resumed' });
      dropped = false;
    };
    source.onerror = () => {
      // CLOSED means the server refused the stream (e.g. not signed in, or no live endpoint); the browser
      // will not retry. CONNECTING means it dropped and the browser is already retrying.
      if (source.readyState === EventSource.CLOSED) setStatus('unavailable');
      else {
        dropped = true;
        setStatus('reconnecting');
      }
    };
    // The stream's payloads are the API's own Post and Comment shapes (see the live module's contract).
    const on = (name: string, wrap: (value: object) => LiveEvent) => {
      source.addEventListener(name, (e: MessageEvent) => {
        const value = parse(e.data);
        if (typeof value === 'object' && value !== null) emit(wrap(value));
      });
    };
    on('post', (post) => ({ type: 'post', post: post as Post }));
    on('post-restored', (post) => ({ type: 'post-restored', post: post as Post }));
    on('post-hidden', (v) => ({ type: 'post-hidden', postId: (v as { postId: number }).postId }));
    on('comment', (comment) => ({ type: 'comment', comment: comment as Comment }));
    return () => {
      source.close();
    };
  }, [scope]);

  const subscribe = useCallback((listener: (event: LiveEvent) => void) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const value = useMemo<LiveApi>(() => ({ status, subscribe }), [status, subscribe]);
  return <LiveContext value={value}>{children}</LiveContext>;
}

export function useLiveStatus(): LiveStatus {
  return use(LiveContext).status;
}

/** Calls `handler` for every live event while the component is mounted. */
export function useLiveEvents(handler: (event: LiveEvent) => void): void {
  const { subscribe } = use(LiveContext);
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(
    () =>
      subscribe((e) => {
        latest.current(e);
      }),
    [subscribe],
  );
}
