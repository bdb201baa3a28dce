import { useInboxCount } from '../../state/inbox';
import './inbox.css';

/** The header's count of open requests in the owner's inbox, updated live; nothing when there are none. */
export function InboxBadge({ userId }: { userId: number }) {
  const count = useInboxCount(userId);
  if (!count) return null;
  return (
    <span className="inbox-badge" data-testid="inbox-badge">
      <span aria-hidden="true">{count > 99 ? '99+' : count}</span>
      <span className="visually-hidden">
        , {count} open {count === 1 ? 'request' : 'requests'}
      </span>
    </span>
  );
}
