import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import { proofPath } from '../requests/api';

/**
 * Whether the member's recipient is in the agency's published set yet, with the log entry owners check it
 * against (agency.key_added) and its proof.
 */
export function RecipientStatus({ agencyId, recipient }: { agencyId: number; recipient: string }) {
  const [index, setIndex] = useState<number | null | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const look = () => {
      call(api.GET('/api/agencies/{id}/recipients', { params: { path: { id: agencyId } } })).then(
        (list) => {
          if (!live) return;
          const item = list.items.find((i) => i.recipient === recipient && i.current);
          setIndex(item ? item.addedLogIndex : null);
          // The sequencer logs a new key within a second or two; look again until it has.
          if (!item || item.addedLogIndex === null) timer = setTimeout(look, 2000);
        },
        (err: unknown) => {
          if (live) setError(toApiError(err));
        },
      );
    };
    look();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [agencyId, recipient]);

  return (
    <div>
      <p>
        Your public key:{' '}
        <span className="mono" data-testid="own-recipient">
          {recipient}
        </span>
      </p>
      <ProblemAlert error={error} focus={false} />
      {index === undefined ? null : index === null ? (
        <p className="muted" role="status">
          Being added to the transparency log…
        </p>
      ) : (
        <p role="status">
          Published in the transparency log as entry {index} (<a href={proofPath(index)}>inclusion proof</a>).
          Owners check this entry before encrypting to you.
        </p>
      )}
    </div>
  );
}
