import { useState } from 'react';
import { toApiError, type ApiError } from '../../api/problem';
import { ConfirmPrompt } from '../../components/ConfirmPrompt';
import { ProblemAlert } from '../../components/ProblemAlert';
import { absoluteTime } from '../../format';
import { useAnnounce } from '../../state/announcer';
import { disclosures } from '../inbox/api';
import { proofHref } from '../inbox/RequestSummary';
import type { OwnDisclosure } from '../inbox/types';

const STATUS: Record<OwnDisclosure['status'], string> = {
  shared: 'Shared',
  revoked: 'Taken back',
  expired: 'Expired and deleted',
};

/**
 * The clips this owner shared for one request, with what the log says about each; a copy the agency has
 * not downloaded yet can be taken back (the ciphertext is deleted and the revocation logged).
 */
export function MyDisclosures({ items, onChange }: { items: OwnDisclosure[]; onChange: () => void }) {
  const announce = useAnnounce();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const revoke = async (id: string) => {
    setConfirming(null);
    setError(null);
    try {
      await disclosures.revoke(id);
      announce('Shared clip taken back and deleted.');
    } catch (err) {
      setError(toApiError(err));
    }
    onChange();
  };

  if (items.length === 0) return <p>You have not shared anything for this request.</p>;
  return (
    <div className="stack">
      {error ? <ProblemAlert error={error} /> : null}
      <ul className="share-clips" aria-label="Clips you shared">
        {items.map((d) => (
          <li key={d.id} className="card share-clip">
            <p>
              <strong>{STATUS[d.status]}</strong> · recorded {absoluteTime(d.captureStart)} to{' '}
              {absoluteTime(d.captureEnd)} · shared {absoluteTime(d.createdAt)}
              {d.status === 'shared'
                ? ` · deleted ${absoluteTime(d.expiresAt)} unless a logged legal hold`
                : ''}
            </p>
            <p className="inbox-mono">SHA-256 {d.plaintextSha256}</p>
            <p>
              {d.logIndex === null ? (
                'Being added to the transparency log; the agency cannot download it until then.'
              ) : (
                <a href={proofHref(d.logIndex)} target="_blank" rel="noreferrer">
                  Log entry {d.logIndex}
                </a>
              )}
              {d.status === 'shared'
                ? d.downloaded
                  ? ' · the agency has downloaded it'
                  : ' · not downloaded yet'
                : ''}
            </p>
            {d.status === 'shared' && !d.downloaded ? (
              confirming === d.id ? (
                <ConfirmPrompt
                  label="Take this clip back?"
                  confirmText="Take it back"
                  onConfirm={() => void revoke(d.id)}
                  onCancel={() => {
                    setConfirming(null);
                  }}
                >
                  The agency’s copy is deleted before they download it. The log records that a shared clip was
                  taken back (not by whom).
                </ConfirmPrompt>
              ) : (
                <div>
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    onClick={() => {
                      setConfirming(d.id);
                    }}
                  >
                    Take back
                  </button>
                </div>
              )
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
