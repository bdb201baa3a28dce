import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import { RelativeTime } from '../components/RelativeTime';
import { send } from '../vault/send';

interface Person {
  user: { id: number; displayName: string };
  at: string;
}

const WORDS = {
  mute: { none: 'You have not muted anyone.', done: 'muted', undo: 'Unmute' },
  block: { none: 'You have not blocked anyone.', done: 'blocked', undo: 'Unblock' },
} as const;

/** The people this account muted (or, with `kind="block"`, blocked), each with "Unmute" / "Unblock". */
export function MutedPeople({ kind = 'mute' }: { kind?: 'mute' | 'block' }) {
  const [items, setItems] = useState<Person[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const words = WORDS[kind];
  const load = useCallback(async () => {
    try {
      setItems(
        kind === 'mute'
          ? (await call(api.GET('/api/me/mutes'))).items.map((m) => ({ user: m.user, at: m.mutedAt }))
          : (await call(api.GET('/api/me/blocks'))).items.map((b) => ({ user: b.user, at: b.blockedAt })),
      );
    } catch (err) {
      setError(toApiError(err));
    }
  }, [kind]);
  useEffect(() => {
    void load();
  }, [load]);
  const undo = async (id: number) => {
    setError(null);
    try {
      const params = { params: { path: { userId: id } } };
      if (kind === 'mute') await send(api.DELETE('/api/me/mutes/{userId}', params));
      else await send(api.DELETE('/api/me/blocks/{userId}', params));
      await load();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  return (
    <>
      <ProblemAlert error={error} focus={false} />
      {items?.length === 0 ? <p className="muted">{words.none}</p> : null}
      {items && items.length > 0 ? (
        <ul className="muted-people">
          {items.map((m) => (
            <li key={m.user.id}>
              <span>
                {m.user.displayName}{' '}
                <span className="muted">
                  · {words.done} <RelativeTime iso={m.at} />
                </span>
              </span>
              <button type="button" className="button button--small" onClick={() => void undo(m.user.id)}>
                {words.undo}
                <span className="visually-hidden"> {m.user.displayName}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
