import { BystanderOverdue } from '../bystander/BystanderOverdue';
import { REPORT_RULE_LABELS } from '@porchlight/policy';
import { useCallback, useEffect, useState } from 'react';
import { moderation } from '../api/moderation';
import { toApiError, type ApiError } from '../api/problem';
import type { PendingAppeal, Post, QueueItem } from '../api/types';
import { AppealDecision } from '../components/AppealDecision';
import { ModerationActions } from '../components/ModerationActions';
import { ModerationNotice } from '../components/ModerationNotice';
import { PostCard } from '../components/PostCard';
import { ProblemAlert } from '../components/ProblemAlert';
import { RelativeTime } from '../components/RelativeTime';
import { Link } from '../router';
import { useFeedStore } from '../state/feed';
import { useMe } from '../state/session';

type Load<T> = { status: 'loading' } | { status: 'error'; error: ApiError } | { status: 'ready'; items: T[] };

function useList<T>(fetch: () => Promise<T[]>) {
  const [state, setState] = useState<Load<T>>({ status: 'loading' });
  const reload = useCallback(() => {
    fetch()
      .then((items) => {
        setState({ status: 'ready', items });
      })
      .catch((err: unknown) => {
        setState({ status: 'error', error: toApiError(err) });
      });
  }, [fetch]);
  useEffect(reload, [reload]);
  return { state, setState, reload };
}

/** Reported posts to decide, and appeals against other moderators' decisions. */
export function ModerationPage() {
  const me = useMe();
  const store = useFeedStore();
  const queue = useList<QueueItem>(moderation.queue);
  const appeals = useList<PendingAppeal>(moderation.appeals);
  const [decided, setDecided] = useState<Post[]>([]);

  const afterDecision = (post: Post) => {
    store.replace(post);
    setDecided((d) => [post, ...d.filter((p) => p.id !== post.id)]);
    queue.reload();
    appeals.reload();
  };

  const updateQueued = (post: Post) => {
    store.replace(post);
    queue.setState((s) =>
      s.status === 'ready'
        ? { ...s, items: s.items.map((i) => (i.post.id === post.id ? { ...i, post } : i)) }
        : s,
    );
  };
  const updateAppealed = (post: Post) => {
    store.replace(post);
    appeals.setState((s) =>
      s.status === 'ready'
        ? { ...s, items: s.items.map((i) => (i.post.id === post.id ? { ...i, post } : i)) }
        : s,
    );
  };

  const count = (s: Load<unknown>) => (s.status === 'ready' ? ` (${s.items.length})` : '');

  return (
    <div className="narrow">
      <div className="page-head">
        <h1>Moderation</h1>
        <p className="muted">
          Every decision needs a reason. The author sees it and may appeal once; a different moderator decides
          appeals. All decisions are published in the transparency log.
        </p>
        <p>
          <Link to="/moderation/suspensions">Suspended accounts and their appeals</Link>
        </p>
      </div>

      <section aria-labelledby="queue-title" className="mod-section">
        <h2 id="queue-title">Reported posts{count(queue.state)}</h2>
        {queue.state.status === 'loading' ? <p className="muted">Loading…</p> : null}
        {queue.state.status === 'error' ? <ProblemAlert error={queue.state.error} focus={false} /> : null}
        {queue.state.status === 'ready' && queue.state.items.length === 0 ? (
          <p className="card empty-inline">No reported posts. Nice.</p>
        ) : null}
        {queue.state.status === 'ready' ? (
          <ol className="feed" aria-label="Reported posts">
            {queue.state.items.map(({ post, reports, reportCount }) => (
              <li key={post.id}>
                <PostCard
                  post={post}
                  home={me.home}
                  onChange={updateQueued}
                  reportable={false}
                  after={<ModerationActions post={post} reported onDecided={afterDecision} />}
                >
                  {post.moderation ? <ModerationNotice notice={post.moderation} asAuthor={false} /> : null}
                  <div className="reports">
                    <h3>
                      {reportCount} {reportCount === 1 ? 'report' : 'reports'}
                    </h3>
                    <ul>
                      {reports.map((r, i) => (
                        <li key={i}>
                          <strong>{REPORT_RULE_LABELS[r.rule].label}</strong>
                          {r.reason ? <> “{r.reason}”</> : null}{' '}
                          <span className="muted">
                            · <RelativeTime iso={r.createdAt} />
                          </span>
                        </li>
                      ))}
                    </ul>
                  </div>
                </PostCard>
              </li>
            ))}
          </ol>
        ) : null}
      </section>

      <BystanderOverdue />
      <section aria-labelledby="appeals-title" className="mod-section">
        <h2 id="appeals-title">Appeals{count(appeals.state)}</h2>
        <p className="muted">
          Appeals against your own decisions go to another moderator and are not listed here.
        </p>
        {appeals.state.status === 'loading' ? <p className="muted">Loading…</p> : null}
        {appeals.state.status === 'error' ? <ProblemAlert error={appeals.state.error} focus={false} /> : null}
        {appeals.state.status === 'ready' && appeals.state.items.length === 0 ? (
          <p className="card empty-inline">No appeals waiting for you.</p>
        ) : null}
        {appeals.state.status === 'ready' ? (
          <ol className="feed" aria-label="Appeals">
            {appeals.state.items.map((appeal) => (
              <li key={appeal.id}>
                <PostCard
                  post={appeal.post}
                  home={me.home}
                  onChange={updateAppealed}
                  reportable={false}
                  after={<AppealDecision appeal={appeal} onDecided={afterDecision} />}
                >
                  <div className="notice notice--hidden">
                    <p>
                      <strong>Original decision</strong> ·{' '}
                      <RelativeTime iso={appeal.originalDecision.decidedAt} />
                    </p>
                    <p>{appeal.originalDecision.reason}</p>
                    <p>
                      <strong>Author’s appeal</strong> · <RelativeTime iso={appeal.createdAt} />
                    </p>
                    <blockquote>{appeal.statement}</blockquote>
                  </div>
                </PostCard>
              </li>
            ))}
          </ol>
        ) : null}
      </section>

      {decided.length > 0 ? (
        <section aria-labelledby="decided-title" className="mod-section">
          <h2 id="decided-title">Decided this session</h2>
          <ul className="decided">
            {decided.map((p) => (
              <li key={p.id}>
                <strong>{p.title}</strong> — {p.status === 'hidden' ? 'hidden' : 'visible'}
                {p.moderation ? `: ${p.moderation.reason}` : ''}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
