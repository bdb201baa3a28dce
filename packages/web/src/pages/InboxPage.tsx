import { useCallback, useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { ConfirmPrompt } from '../components/ConfirmPrompt';
import { ProblemAlert } from '../components/ProblemAlert';
import { absoluteTime } from '../format';
import { inbox } from '../requests/inbox/api';
import { RequestSummary } from '../requests/inbox/RequestSummary';
import type { InboxItem } from '../requests/inbox/types';
import { discardShares } from '../requests/share/pendingShares';
import { BystanderInbox } from '../bystander/BystanderInbox';
import { Link } from '../router';
import { useAnnounce } from '../state/announcer';
import { refreshInboxCount } from '../state/inbox';
import { useInboxLiveEvents } from '../state/live';
import { useMe } from '../state/session';
import '../requests/inbox/inbox.css';

/**
 * Footage requests that reached the signed-in owner's cameras. Only this owner sees them; the agency never
 * learns who was asked, and dismissing one deletes it without a trace anyone can read (G7).
 */
export function InboxPage() {
  const me = useMe();
  const announce = useAnnounce();
  const [items, setItems] = useState<InboxItem[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setItems(await inbox.list());
      setError(null);
    } catch (err) {
      setError(toApiError(err));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  useInboxLiveEvents(() => {
    void load();
  });

  const dismiss = async (requestId: string) => {
    setConfirming(null);
    try {
      await inbox.dismiss(requestId);
      // A share of this request left unfinished by a reload is not wanted any more.
      await discardShares(String(me.id), requestId).catch(() => 0);
      setItems((list) => list?.filter((i) => i.request.id !== requestId) ?? null);
      void refreshInboxCount(me.id);
      announce('Request dismissed. Nothing about it was kept.');
    } catch (err) {
      setError(toApiError(err));
    }
  };

  return (
    <section className="stack inbox" aria-labelledby="inbox-title">
      <h1 id="inbox-title">Inbox</h1>
      <p className="muted">
        Footage requests from agencies whose area covers one of your cameras that accepts requests. Sharing is
        always your choice: the agency cannot see that you were asked, whether you opened this, or that you
        said no.
      </p>
      {error ? <ProblemAlert error={error} /> : null}
      {items === null ? (
        error ? null : (
          <p aria-busy="true">Loading your inbox…</p>
        )
      ) : items.length === 0 ? (
        <p>No open requests for your cameras.</p>
      ) : (
        <ul className="inbox-list" aria-label="Open requests">
          {items.map((item) => (
            <li key={item.request.id} className="card stack">
              <h2 className="inbox-item__title">
                {item.request.agency.name} asks for footage
                <span className="muted"> · answer by {absoluteTime(item.request.responseDeadline)}</span>
              </h2>
              <RequestSummary item={item} />
              <p>
                Your cameras in the area: {item.myCameras.map((c) => c.name).join(', ') || 'none any more'}
              </p>
              {confirming === item.request.id ? (
                <ConfirmPrompt
                  label="Dismiss this request?"
                  confirmText="Dismiss"
                  onConfirm={() => void dismiss(item.request.id)}
                  onCancel={() => {
                    setConfirming(null);
                  }}
                >
                  It leaves your inbox and cannot be brought back. Nothing records that you declined.
                </ConfirmPrompt>
              ) : (
                <div className="form-actions form-actions--start">
                  <Link to={`/inbox/${item.request.id}`} className="button button--primary">
                    Review my clips
                  </Link>
                  <button
                    type="button"
                    className="button button--ghost"
                    onClick={() => {
                      setConfirming(item.request.id);
                    }}
                  >
                    Dismiss
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <BystanderInbox />
    </section>
  );
}
