import { useCallback, useEffect, useState } from 'react';
import type { paths } from '@porchlight/api-client';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import type { Json } from '../api/types';
import { send } from '../vault/send';
import { ProblemAlert } from '../components/ProblemAlert';
import { RelativeTime } from '../components/RelativeTime';
import { Link } from '../router';
import '../account/account.css';

type Sessions = Json<paths['/api/account/sessions']['get']['responses'][200]>['sessions'];
type Hubs = Json<paths['/api/devices']['get']['responses'][200]>['items'];

/** Account → Sessions: every signed-in browser and every paired hub, each of which can be ended. */
export function AccountSessionsPage() {
  const [sessions, setSessions] = useState<Sessions | null>(null);
  const [hubs, setHubs] = useState<Hubs | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const load = useCallback(() => {
    Promise.all([call(api.GET('/api/account/sessions')), call(api.GET('/api/devices'))])
      .then(([s, d]) => {
        setSessions(s.sessions);
        setHubs(d.items.filter((h) => h.revokedAt === null));
      })
      .catch((err: unknown) => {
        setError(toApiError(err));
      });
  }, []);
  useEffect(load, [load]);

  const act = async (what: () => Promise<unknown>, done: string) => {
    setError(null);
    try {
      await what();
      setStatus(done);
      load();
    } catch (err) {
      setError(toApiError(err));
    }
  };

  const others = sessions?.filter((s) => !s.current).length ?? 0;
  return (
    <div className="stack account-sessions">
      <p>
        <Link to="/account">← Account</Link>
      </p>
      <h1>Sessions and hubs</h1>
      <ProblemAlert error={error} placed={[]} />
      {status ? <p role="status">{status}</p> : null}

      <section className="card" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Signed-in browsers</h2>
        <p className="muted">
          We keep when each session signed in and was last used, a summary of the browser (never the full
          browser string) and only the first half of the network address.
        </p>
        {sessions === null ? (
          <p aria-busy="true">Loading…</p>
        ) : (
          <ul className="session-list">
            {sessions.map((s) => (
              <li key={s.id} className="session-list__item">
                <div>
                  <strong>{s.browser ?? 'Unknown browser'}</strong>
                  {s.current ? <span className="badge">this browser</span> : null}
                  <br />
                  <span className="muted">
                    Signed in <RelativeTime iso={s.createdAt} /> · last used{' '}
                    <RelativeTime iso={s.lastSeenAt} />
                    {s.network ? ` · network ${s.network}` : ''}
                  </span>
                </div>
                {s.current ? null : (
                  <button
                    type="button"
                    className="button button--small"
                    onClick={() =>
                      void act(
                        () =>
                          send(api.DELETE('/api/account/sessions/{id}', { params: { path: { id: s.id } } })),
                        `Signed out ${s.browser ?? 'that browser'}.`,
                      )
                    }
                  >
                    Sign out
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {others > 0 ? (
          <button
            type="button"
            className="button button--danger"
            onClick={() =>
              void act(async () => {
                const r = await call(api.POST('/api/account/sessions/end-others'));
                return r.ended;
              }, 'Signed out everywhere else.')
            }
          >
            Sign out everywhere else
          </button>
        ) : null}
      </section>

      <section className="card" aria-labelledby="hubs-title">
        <h2 id="hubs-title">Paired hubs</h2>
        {hubs === null ? (
          <p aria-busy="true">Loading…</p>
        ) : hubs.length === 0 ? (
          <p>
            No hub is paired. Pair one from the <Link to="/vault/hubs">vault</Link>.
          </p>
        ) : (
          <ul className="session-list">
            {hubs.map((h) => (
              <li key={h.id} className="session-list__item">
                <div>
                  <strong>{h.name}</strong>
                  <br />
                  <span className="muted">
                    Paired <RelativeTime iso={h.createdAt} />
                    {h.lastSeenAt ? (
                      <>
                        {' '}
                        · last seen <RelativeTime iso={h.lastSeenAt} />
                      </>
                    ) : null}
                  </span>
                </div>
                <button
                  type="button"
                  className="button button--small"
                  onClick={() =>
                    void act(
                      () => send(api.DELETE('/api/devices/{id}', { params: { path: { id: h.id } } })),
                      `Revoked ${h.name}: its token no longer works.`,
                    )
                  }
                >
                  Revoke
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
