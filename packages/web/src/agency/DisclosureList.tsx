import { useState } from 'react';
import { absoluteTime } from '../format';
import { describeSummary } from '../redact/summaryText';
import { proofPath } from '../requests/api';
import { ClipPlayer } from '../vault/ClipPlayer';
import { disclosureStreamUrl } from '../vault/protocol';
import { readyToStreamDisclosures } from './agencyKey';
import { HoldForm } from './HoldForm';
import type { Disclosure } from './types';

const mb = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MB`;

/**
 * Clips owners chose to share with the agency: when they were recorded, their hashes and log entry, a legal
 * hold form, and a player that decrypts in this browser with the member's unlocked key. Nothing here says who
 * shared them (G7). Opening one is logged (disclosure.accessed).
 */
export function DisclosureList({
  disclosures,
  caseNumber,
  unlocked,
  onHeld,
}: {
  disclosures: readonly Disclosure[];
  caseNumber: string;
  /** Whether the member's key is unlocked in this tab; playing needs it. */
  unlocked: boolean;
  onHeld: () => void;
}) {
  if (disclosures.length === 0) {
    return <p className="muted">No owner has shared a clip yet.</p>;
  }
  return (
    <ol className="disclosure-list" aria-label="Disclosures">
      {disclosures.map((d, i) => (
        <li key={d.id}>
          <DisclosureItem
            disclosure={d}
            number={i + 1}
            caseNumber={caseNumber}
            unlocked={unlocked}
            onHeld={onHeld}
          />
        </li>
      ))}
    </ol>
  );
}

function DisclosureItem({
  disclosure: d,
  number,
  caseNumber,
  unlocked,
  onHeld,
}: {
  disclosure: Disclosure;
  number: number;
  caseNumber: string;
  unlocked: boolean;
  onHeld: () => void;
}) {
  const [playing, setPlaying] = useState(false);
  const label = `Clip ${number}, recorded ${absoluteTime(d.captureStart)}`;
  return (
    <article className="card" aria-label={label}>
      <h3>{label}</h3>
      <dl className="request-facts">
        <dt>Recorded</dt>
        <dd>
          {absoluteTime(d.captureStart)} to {absoluteTime(d.captureEnd)}
        </dd>
        <dt>Shared</dt>
        <dd>{absoluteTime(d.createdAt)}</dd>
        <dt>Size</dt>
        <dd>{mb(d.plaintextBytes)}</dd>
        <dt>Deleted on</dt>
        <dd>{absoluteTime(d.expiresAt)}</dd>
        <dt>Legal holds</dt>
        <dd>
          {d.holds.length === 0
            ? 'None'
            : d.holds.map((h) => `Case ${h.caseNumber}, until ${absoluteTime(h.until)}`).join('; ')}
        </dd>
        <dt>Redactions</dt>
        <dd>{redactionText(d.redactions)}</dd>
        <dt>SHA-256 (video)</dt>
        <dd className="mono">{d.plaintextSha256}</dd>
        <dt>Log entry</dt>
        <dd>
          {d.logIndex === null ? (
            'not sequenced yet'
          ) : (
            <>
              {d.logIndex} · <a href={proofPath(d.logIndex)}>Inclusion proof</a>
            </>
          )}
        </dd>
      </dl>
      {playing ? (
        <ClipPlayer
          clipId={d.id}
          label={`${label}, decrypted`}
          stream={{ src: disclosureStreamUrl(d.id), ready: readyToStreamDisclosures }}
        />
      ) : (
        <div className="form-actions form-actions--start">
          <button
            type="button"
            className="button button--primary"
            disabled={!unlocked}
            onClick={() => {
              setPlaying(true);
            }}
          >
            Play {`clip ${number}`}
          </button>
          {unlocked ? null : <span className="muted">Unlock your agency key above to play.</span>}
        </div>
      )}
      <details>
        <summary>Legal hold</summary>
        <HoldForm disclosureId={d.id} caseNumber={caseNumber} onHeld={onHeld} />
      </details>
    </article>
  );
}

/** The manifest's redactions in words: privacy zones burned in at home, and the owner's own redaction. */
function redactionText(redactions: Disclosure['redactions']): string {
  const zones = redactions.filter((r) => r.kind === 'privacy_zone').length;
  const parts = [
    zones === 0 ? 'No privacy zones' : `${zones} privacy ${zones === 1 ? 'zone' : 'zones'} blacked out`,
  ];
  for (const r of redactions)
    if (r.kind === 'owner_redaction') parts.push(`by the owner: ${describeSummary(r.summary)}`);
  return parts.join('; ');
}
