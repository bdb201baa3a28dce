import { useState } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import type { Post, PostRevision } from '../api/types';
import { categoryLabel } from '../format';
import { ProblemAlert } from './ProblemAlert';
import { RelativeTime } from './RelativeTime';

/** "Earlier versions" of an edited post, read on demand: for its author and moderators (the API refuses others). */
export function PostHistory({ post }: { post: Post }) {
  const [items, setItems] = useState<PostRevision[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const load = async () => {
    try {
      setItems(
        (await call(api.GET('/api/posts/{id}/revisions', { params: { path: { id: post.id } } }))).items,
      );
    } catch (err) {
      setError(toApiError(err));
    }
  };
  return (
    <details
      className="post-history"
      onToggle={(e) => {
        if (e.currentTarget.open && items === null) void load();
      }}
    >
      <summary>Earlier versions</summary>
      <ProblemAlert error={error} focus={false} />
      {items === null && !error ? <p className="muted">Loading…</p> : null}
      {items?.length === 0 ? <p className="muted">No earlier versions.</p> : null}
      {items && items.length > 0 ? (
        <ol className="post-history__list">
          {items.map((r) => (
            <li key={r.replacedAt}>
              <p className="post-history__meta">
                {categoryLabel(r.category)} · replaced <RelativeTime iso={r.replacedAt} />
              </p>
              <p className="post-history__title">{r.title}</p>
              <p className="post-history__body">{r.body}</p>
              {r.person ? <p className="post-history__body">Person: {r.person.behaviour}</p> : null}
            </li>
          ))}
        </ol>
      ) : null}
    </details>
  );
}
