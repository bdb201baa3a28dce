import { useEffect, useState } from 'react';
import { httpLog, storageTrust, verifyLoggedEntry } from '../../keytransparency';

type State = { kind: 'checking' } | { kind: 'verified'; size: number } | { kind: 'failed'; message: string };

/**
 * Checks, in this browser, that the request really is on the public log: entry `logIndex` must be the
 * `request.published` entry of `requestId`, proven against a checkpoint signed by the pinned log key and
 * consistent with every checkpoint this browser saw before.
 */
export function LogCheck({ requestId, logIndex }: { requestId: string; logIndex: number }) {
  const [state, setState] = useState<State>({ kind: 'checking' });
  useEffect(() => {
    let cancelled = false;
    verifyLoggedEntry({
      log: httpLog(),
      trust: storageTrust(),
      index: logIndex,
      type: 'request.published',
      what: `the publication of this request`,
      matches: (data) => data.request === requestId,
    })
      .then(({ checkpointSize }) => {
        if (!cancelled) setState({ kind: 'verified', size: checkpointSize });
      })
      .catch((err: unknown) => {
        if (!cancelled)
          setState({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
      });
    return () => {
      cancelled = true;
    };
  }, [requestId, logIndex]);
  // One line of its own, so the page below does not move when the check ends.
  if (state.kind === 'checking')
    return (
      <span className="inbox-log-check" aria-busy="true">
        Checking the log in this browser…
      </span>
    );
  if (state.kind === 'verified')
    return (
      <span className="inbox-log-check">
        Verified in this browser against the log’s checkpoint of {state.size} entries
      </span>
    );
  return <span className="inbox-log-check inbox-log-failed">Not verified: {state.message}</span>;
}
