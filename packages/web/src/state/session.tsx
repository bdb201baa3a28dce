import { createContext, use, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, onSessionLost } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import type { Me } from '../api/types';

export type SessionState =
  { status: 'loading' } | { status: 'unreachable'; error: ApiError } | { status: 'ready'; user: Me | null };

interface SessionApi {
  state: SessionState;
  /** The signed-in user, or null while loading, signed out or unreachable. */
  user: Me | null;
  signIn: (email: string, password: string) => Promise<Me>;
  signUp: (input: { email: string; password: string; displayName: string }) => Promise<Me>;
  signOut: () => Promise<void>;
  /** Replaces the cached user after a change to it (home, radius). */
  setUser: (user: Me) => void;
  retry: () => void;
}

const SessionContext = createContext<SessionApi | null>(null);

/** Loads the session once, keeps the signed-in user, and signs out locally when the server says it ended. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    call(api.GET('/api/session'))
      .then((s) => {
        if (!cancelled) setState({ status: 'ready', user: s.user });
      })
      .catch((err: unknown) => {
        if (!cancelled) setState({ status: 'unreachable', error: toApiError(err) });
      });
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  useEffect(
    () =>
      onSessionLost(() => {
        setState({ status: 'ready', user: null });
      }),
    [],
  );

  const signIn = useCallback(async (email: string, password: string) => {
    const s = await call(api.POST('/api/auth/signin', { body: { email, password } }));
    if (!s.user) throw new Error('signed in without a user');
    setState({ status: 'ready', user: s.user });
    return s.user;
  }, []);

  const signUp = useCallback(async (body: { email: string; password: string; displayName: string }) => {
    const s = await call(api.POST('/api/auth/signup', { body }));
    if (!s.user) throw new Error('signed up without a user');
    setState({ status: 'ready', user: s.user });
    return s.user;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await call(api.POST('/api/auth/signout'));
    } finally {
      setState({ status: 'ready', user: null });
    }
  }, []);

  const setUser = useCallback((user: Me) => {
    setState({ status: 'ready', user });
  }, []);

  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo<SessionApi>(
    () => ({
      state,
      user: state.status === 'ready' ? state.user : null,
      signIn,
      signUp,
      signOut,
      setUser,
      retry,
    }),
    [state, signIn, signUp, signOut, setUser, retry],
  );

  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): SessionApi {
  const s = use(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in user; only for pages rendered behind the sign-in gate. */
export function useMe(): Me {
  const { user } = useSession();
  if (!user) throw new Error('useMe without a signed-in user');
  return user;
}
