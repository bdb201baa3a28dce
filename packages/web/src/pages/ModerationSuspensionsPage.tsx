import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import { LiftSuspension } from '../components/LiftSuspension';
import { ProblemAlert } from '../components/ProblemAlert';
import { RelativeTime } from '../components/RelativeTime';
import { Link } from '../router';

type Suspended = Awaited<ReturnType<typeof listSuspensions>>[number];
const listSuspensions = async () => (await call(api.GET('/api/moderation/suspensions'))).items;

/** One suspended account: since when, their appeal statement if they sent one, and the Lift action. */
function SuspensionItem({ item, onLifted }: { item: Suspended; onLifted: () => void }) {
  const name = item.user.displayName;
  return (
    <article className="card" aria-label={name}>
      <p className="muted">
        Suspended <RelativeTime iso={item.since} />
      </p>
      {item.appeal === null ? (
        <p className="muted">{name} has not appealed.</p>
      ) : (
        <div className="notice">
          <p>
            <strong>{name}’s appeal</strong>
          </p>
          <blockquote>{item.appeal}</blockquote>
        </div>
      )}
      <LiftSuspension name={name} suspension={item} onLifted={onLifted} />
    </article>
  );
}

/** Moderators' list of suspensions in force, appealed ones first, each with its appeal and a Lift action. */
export function ModerationSuspensionsPage() {
  const [items, setItems] = useState<Suspended[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(() => {
    listSuspensions().then(setItems, (err: unknown) => {
      setError(toApiError(err));
    });
  }, []);
  useEffect(load, [load]);

  const appealed = items?.filter((s) => s.appeal !== null).length ?? 0;
  return (
    <div className="narrow">
      <p className="back">
        <Link to="/moderation">← Back to moderation</Link>
      </p>
      <div className="page-head">
        <h1>Suspensions</h1>
        <p className="muted">
          Accounts suspended now, appealed ones first. Lifting one early needs a reason, published in the
          transparency log without the account’s name.
        </p>
      </div>
      <ProblemAlert error={error} focus={false} />
      {items === null && !error ? <p className="muted">Loading…</p> : null}
      {items?.length === 0 ? <p className="card empty-inline">No account is suspended.</p> : null}
      {items && items.length > 0 ? (
        <>
          <p role="status">
            {items.length} suspended, {appealed} appealed.
          </p>
          <ul className="stack" aria-label="Suspensions in force">
            {items.map((item) => (
              <li key={item.id}>
                <SuspensionItem
                  item={item}
                  onLifted={() => {
                    setItems((list) => list?.filter((s) => s.id !== item.id) ?? null);
                  }}
                />
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
