import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import { RelativeTime } from '../components/RelativeTime';
import { send } from '../vault/send';

interface Muted {
  user: { id: number; displayName: string };
  mutedAt: string;
}

/** The people this account muted, each with "Unmute". */
export function MutedPeople() {
  const [items, setItems] = useState<Muted[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const load = useCallback(async () => {
    try {
      setItems((await call(api.GET('/api/me/mutes'))).items);
    } catch (err) {
      setError(toApiError(err));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const unmute = async (id: number) => {
    setError(null);
    try {
      await send(api.DELETE('/api/me/mutes/{userId}', { params: { path: { userId: id } } }));
      await load();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  return (
    <>
      <ProblemAlert error={error} focus={false} />
      {items?.length === 0 ? <p className="muted">You have not muted anyone.</p> : null}
      {items && items.length > 0 ? (
        <ul className="muted-people">
          {items.map((m) => (
            <li key={m.user.id}>
              <span>
                {m.user.displayName}{' '}
                <span className="muted">
                  · muted <RelativeTime iso={m.mutedAt} />
                </span>
              </span>
              <button type="button" className="button button--small" onClick={() => void unmute(m.user.id)}>
                Unmute<span className="visually-hidden"> {m.user.displayName}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
