import { useSyncExternalStore } from 'react';
import { absoluteTime, relativeTime } from '../format';

// One shared ticker for every timestamp on the page.
let now = Date.now();
const listeners = new Set<() => void>();
let timer: number | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= window.setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, 30_000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.clearInterval(timer);
      timer = undefined;
    }
  };
}

/** "5 min. ago", kept fresh; the exact time is in the tooltip and the machine-readable attribute. */
export function RelativeTime({ iso }: { iso: string }) {
  const current = useSyncExternalStore(subscribe, () => now);
  return (
    <time dateTime={iso} title={absoluteTime(iso)}>
      {relativeTime(iso, Math.max(current, Date.now()))}
    </time>
  );
}
