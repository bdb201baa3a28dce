import { REPORT_RULE_LABELS } from '@porchlight/policy';
import { useState } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import type { Json } from '../api/types';
import type { paths } from '@porchlight/api-client';
import { ProblemAlert } from './ProblemAlert';
import { RelativeTime } from './RelativeTime';

type HistoryItem = Json<
  paths['/api/moderation/posts/{id}/history']['get']['responses'][200]
>['items'][number];

const ACTIONS = { hide: 'Hidden', restore: 'Restored', dismiss: 'Reports dismissed' } as const;

function describe(item: HistoryItem): string {
  switch (item.kind) {
    case 'report':
      return `Reported: ${REPORT_RULE_LABELS[item.rule].label}${item.reason ? ` — “${item.reason}”` : ''}`;
    case 'decision':
      return `${ACTIONS[item.action]} by ${item.moderator}: ${item.reason}`;
    case 'appeal':
      return item.status === 'pending'
        ? `Appealed: “${item.statement}” (waiting)`
        : `Appeal ${item.status} by ${item.decidedBy ?? 'a moderator'}: ${item.decisionReason ?? ''} (the author said “${item.statement}”)`;
    case 'edit':
      return 'Edited by its author';
  }
}

/** A moderator's view of everything that happened to a post: reports (never who), decisions, appeal, edits. */
export function ModerationHistory({ postId }: { postId: string }) {
  const [items, setItems] = useState<HistoryItem[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const load = async () => {
    try {
      const page = await call(
        api.GET('/api/moderation/posts/{id}/history', { params: { path: { id: postId } } }),
      );
      setItems(page.items);
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
      <summary>Moderation history</summary>
      <ProblemAlert error={error} focus={false} />
      {items?.length === 0 ? <p className="muted">Nothing yet: no reports, decisions or edits.</p> : null}
      {items && items.length > 0 ? (
        <ol className="post-history__list">
          {items.map((item, i) => (
            <li key={`${item.kind}-${item.at}-${i}`}>
              <p className="post-history__meta">
                <RelativeTime iso={item.at} />
              </p>
              <p className="post-history__body">{describe(item)}</p>
            </li>
          ))}
        </ol>
      ) : null}
    </details>
  );
}
