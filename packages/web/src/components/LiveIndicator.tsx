import { useLiveStatus, type LiveStatus } from '../state/live';

const TEXT: Record<Exclude<LiveStatus, 'off'>, { label: string; title: string }> = {
  connecting: { label: 'Connecting', title: 'Connecting to live updates' },
  open: { label: 'Live', title: 'New posts and comments appear as they happen' },
  reconnecting: { label: 'Reconnecting', title: 'Live updates dropped; reconnecting' },
  unavailable: { label: 'Offline', title: 'Live updates are unavailable; reload to see new posts' },
};

/** A small dot saying whether posts arrive live. */
export function LiveIndicator() {
  const status = useLiveStatus();
  if (status === 'off') return null;
  const { label, title } = TEXT[status];
  return (
    <span className={`live live--${status}`} title={title}>
      <span className="live__dot" aria-hidden="true" />
      <span className="live__label">{label}</span>
      <span className="visually-hidden">: {title}</span>
    </span>
  );
}
