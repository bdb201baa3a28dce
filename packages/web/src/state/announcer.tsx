import { createContext, use, useCallback, useMemo, useRef, useState, type ReactNode } from 'react';

type Politeness = 'polite' | 'assertive';
type Announce = (message: string, politeness?: Politeness) => void;

const AnnouncerContext = createContext<Announce>(() => undefined);

/**
 * Two visually hidden live regions, so screen-reader users hear live posts (politely) and errors
 * (assertively) wherever focus is. Repeating the same message still re-announces it.
 */
export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const [messages, setMessages] = useState<Record<Politeness, string>>({ polite: '', assertive: '' });
  const timers = useRef<Partial<Record<Politeness, number>>>({});

  const announce = useCallback<Announce>((message, politeness = 'polite') => {
    setMessages((m) => ({ ...m, [politeness]: '' }));
    window.clearTimeout(timers.current[politeness]);
    // Clearing first and setting on the next tick makes assistive tech treat it as a new announcement.
    timers.current[politeness] = window.setTimeout(() => {
      setMessages((m) => ({ ...m, [politeness]: message }));
    }, 50);
  }, []);

  const value = useMemo(() => announce, [announce]);
  return (
    <AnnouncerContext value={value}>
      {children}
      <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
        {messages.polite}
      </div>
      <div className="visually-hidden" role="alert" aria-live="assertive" aria-atomic="true">
        {messages.assertive}
      </div>
    </AnnouncerContext>
  );
}

export function useAnnounce(): Announce {
  return use(AnnouncerContext);
}
