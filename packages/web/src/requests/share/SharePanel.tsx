import { useState } from 'react';
import { api } from '../../api/client';
import { call, localError, toApiError, type ApiError } from '../../api/problem';
import { ProblemAlert } from '../../components/ProblemAlert';
import { absoluteTime } from '../../format';
import { describeSummary } from '../../redact/summaryText';
import { formatBytes } from '../../vault/time';
import {
  httpLog,
  KeyTransparencyError,
  storageTrust,
  verifyAgencyRecipients,
  type VerifiedRecipients,
} from '../../keytransparency';
import type { UnlockedVault } from '../../vault/vaultStore';
import { disclosures } from '../inbox/api';
import type { InboxItem } from '../inbox/types';
import { isRefusal, prepareShare, type PreparedShare, type RedactionApplied } from './disclosureUpload';
import { keepInterrupted, markSending } from './liveShares';
import { clipIdText, forgetShare, replaceShare, saveShare, shareRecord, updateShare } from './pendingShares';
import type { WindowClip } from './WindowClips';

type Step =
  | { kind: 'choosing' }
  | { kind: 'preparing'; note: string; done: number; total: number }
  | { kind: 'review'; recipients: VerifiedRecipients; prepared: { item: WindowClip; share: PreparedShare }[] }
  | { kind: 'sending'; index: number; count: number; sent: number; total: number }
  | { kind: 'sent'; count: number };

/** Every key generation of the vault, one per line, as the vault's service worker gets them. */
export const keyRing = (vault: UnlockedVault): string =>
  [vault.identity, ...((vault as { previous?: string[] }).previous ?? [])].join('\n');

/** The camera's H3 cell coarsened to resolution 8 (~0.7 km²), the finest the manifest may carry (G8). */
async function coarseCell(cell: string): Promise<string> {
  const { cellToParent, getResolution } = await import('h3-js');
  return getResolution(cell) <= 8 ? cell : cellToParent(cell, 8);
}

/**
 * What the manifest states about one clip: its capture times (narrowed to the kept range when the owner
 * trimmed it), the camera's privacy zones, and the owner's redaction when a redacted copy is shared.
 */
function clipFacts(chosen: WindowClip): {
  captureStart: string;
  captureEnd: string;
  redactions: RedactionApplied[];
} {
  const zones: RedactionApplied[] = chosen.camera.privacyZones.map((zone) => ({
    kind: 'privacy_zone' as const,
    zone,
  }));
  const summary = chosen.redacted?.summary;
  if (!summary)
    return { captureStart: chosen.clip.startedAt, captureEnd: chosen.clip.endedAt, redactions: zones };
  const start = Date.parse(chosen.clip.startedAt);
  const end = Date.parse(chosen.clip.endedAt);
  const at = (seconds: number) => new Date(Math.min(end, start + Math.round(seconds * 1000))).toISOString();
  return {
    captureStart: summary.trimmed ? at(summary.trimmed.start) : chosen.clip.startedAt,
    captureEnd: summary.trimmed ? at(summary.trimmed.end) : chosen.clip.endedAt,
    redactions: [...zones, { kind: 'owner_redaction' as const, summary }],
  };
}

/** The owner's own redaction among a manifest's redactions, if there is one. */
export function ownerRedaction(redactions: readonly RedactionApplied[]) {
  const r = redactions.find((x) => x.kind === 'owner_redaction');
  return r?.kind === 'owner_redaction' ? r.summary : null;
}

/**
 * Sharing the selected clips: first the agency's keys are checked against the transparency log, then each
 * clip is re-encrypted and hashed in a worker, and the owner sees exactly what the agency will get — the
 * manifest of every clip and the keys it is encrypted to — before anything is sent.
 */
export function SharePanel({
  item,
  selected,
  vault,
  onShared,
}: {
  item: InboxItem;
  selected: WindowClip[];
  vault: UnlockedVault;
  onShared: () => void;
}) {
  const [step, setStep] = useState<Step>({ kind: 'choosing' });
  const [withCell, setWithCell] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const request = item.request;

  const discardAll = async (prepared: { share: PreparedShare }[]) => {
    await Promise.all(prepared.map((p) => p.share.discard()));
  };

  const prepare = async () => {
    setError(null);
    const prepared: { item: WindowClip; share: PreparedShare }[] = [];
    try {
      setStep({
        kind: 'preparing',
        note: 'Checking the agency’s keys against the transparency log…',
        done: 0,
        total: 1,
      });
      const recipients = await verifyAgencyRecipients({
        agencyId: request.agency.id,
        listing: await disclosures.recipients(request.agency.id),
        log: httpLog(),
        trust: storageTrust(),
      });
      for (const [i, chosen] of selected.entries()) {
        const note = `Encrypting clip ${i + 1} of ${selected.length} to the agency…`;
        const share = await prepareShare({
          source: chosen.redacted
            ? { kind: 'file', file: chosen.redacted.video }
            : { kind: 'vault', clipId: clipIdText(chosen.clip.id), identity: keyRing(vault) },
          recipients: recipients.recipients,
          keeper: vault.recipient,
          manifest: {
            requestId: request.id,
            ...clipFacts(chosen),
            ...(withCell && { coarseCell: await coarseCell(chosen.camera.location.cell) }),
          },
          onProgress: (done, total) => {
            setStep({ kind: 'preparing', note, done, total });
          },
        });
        prepared.push({ item: chosen, share });
      }
      setStep({ kind: 'review', recipients, prepared });
    } catch (err) {
      await discardAll(prepared);
      setError(
        err instanceof KeyTransparencyError
          ? localError('The agency’s keys could not be verified', err.message)
          : toApiError(err),
      );
      setStep({ kind: 'choosing' });
    }
  };

  const send = async (prepared: { item: WindowClip; share: PreparedShare }[]) => {
    setError(null);
    const started: string[] = [];
    let current = -1;
    try {
      const { csrfToken } = await call(api.GET('/api/session'));
      for (const [i, p] of prepared.entries()) {
        current = i;
        setStep({
          kind: 'sending',
          index: i,
          count: prepared.length,
          sent: 0,
          total: p.share.ciphertextBytes,
        });
        // Remembered before the first byte goes, so a reload can continue it (see pendingShares.ts).
        const record = shareRecord({
          userId: vault.userId,
          requestId: request.id,
          clipId: clipIdText(p.item.clip.id),
          redacted: Boolean(p.item.redacted),
          share: p.share,
          now: new Date(),
        });
        const key = record.key;
        // This clip shared again instead of resumed: its earlier partial upload is ended on the server first.
        await replaceShare(key);
        markSending(key, true);
        try {
          await saveShare(record);
          started.push(key);
          await p.share.send({
            csrfToken,
            onProgress: (sent, total) => {
              setStep({ kind: 'sending', index: i, count: prepared.length, sent, total });
            },
            onUploadUrl: (uploadUrl) => void updateShare(key, { uploadUrl }),
            onAccepted: (sent) => void updateShare(key, { sent }),
          });
          await forgetShare(key);
        } finally {
          markSending(key, false);
        }
      }
      setStep({ kind: 'sent', count: prepared.length });
      onShared();
    } catch (err) {
      if (isRefusal(err) || current < 0 || started.length <= current) {
        // Refused by the server (or stopped before anything was sent): nothing is left to resume, on the
        // server or in this browser.
        await discardAll(prepared);
        await Promise.all(started.map(forgetShare));
        setError(
          isRefusal(err)
            ? localError('The agency cannot receive this clip', err instanceof Error ? err.message : '')
            : toApiError(err),
        );
      } else {
        // The connection gave up with the page still open: what reached the server is kept, and so is this
        // browser's record, to be resumed below without a reload. Clips not started yet are let go.
        const interrupted = prepared[current]!;
        const key = started[current]!;
        if (interrupted.item.redacted) keepInterrupted(key, interrupted.share);
        else interrupted.share.release();
        await discardAll(prepared.slice(current + 1));
        const later = prepared.length - current - 1;
        setError(
          localError(
            'Sending stopped: the connection gave up',
            `${err instanceof Error ? err.message : 'The upload failed.'} What the server already has of clip ` +
              `${current + 1} of ${prepared.length} is kept: choose “Resume sharing” under “Unfinished shares” ` +
              'to continue from where it stopped.' +
              (later > 0
                ? ` ${later} later ${later === 1 ? 'clip was' : 'clips were'} not sent; share ${later === 1 ? 'it' : 'them'} again.`
                : ''),
          ),
        );
      }
      setStep({ kind: 'choosing' });
      onShared();
    }
  };

  return (
    <section className="card stack" aria-labelledby="share-title">
      <h2 id="share-title">Share with {request.agency.name}</h2>
      {error ? <ProblemAlert error={error} /> : null}
      {step.kind === 'choosing' ? (
        <>
          <p>
            {selected.length === 0
              ? 'Tick the clips you want to share. Nothing is sent until you have seen what the agency will get.'
              : `${selected.length} ${selected.length === 1 ? 'clip' : 'clips'} selected.`}
          </p>
          <label>
            <input
              type="checkbox"
              checked={withCell}
              onChange={(e) => {
                setWithCell(e.currentTarget.checked);
              }}
            />{' '}
            Tell the agency roughly where the camera is (an area of about 0.7 km², never the exact point)
          </label>
          <div className="form-actions form-actions--start">
            <button
              type="button"
              className="button button--primary"
              disabled={selected.length === 0}
              onClick={() => void prepare()}
            >
              Prepare to share
            </button>
          </div>
        </>
      ) : null}
      {step.kind === 'preparing' ? (
        <div className="share-progress" aria-live="polite">
          <label htmlFor="share-prepare">{step.note}</label>
          <progress id="share-prepare" max={step.total} value={step.done} />
        </div>
      ) : null}
      {step.kind === 'review' ? (
        <SharePreview
          agency={request.agency.name}
          recipients={step.recipients}
          prepared={step.prepared}
          onSend={() => void send(step.prepared)}
          onCancel={() => {
            void discardAll(step.prepared);
            setStep({ kind: 'choosing' });
          }}
        />
      ) : null}
      {step.kind === 'sending' ? (
        <div className="share-progress" aria-live="polite">
          <label htmlFor="share-send">
            Sending clip {step.index + 1} of {step.count}: {formatBytes(step.sent)} of{' '}
            {formatBytes(step.total)}
          </label>
          <progress id="share-send" max={step.total} value={step.sent} />
        </div>
      ) : null}
      {step.kind === 'sent' ? (
        <p role="status" className="alert">
          Shared {step.count} {step.count === 1 ? 'clip' : 'clips'}. Each is logged publicly (hashes and
          times, never who you are) before the agency can download it. You can take one back until it is
          downloaded.
        </p>
      ) : null}
      {step.kind === 'sent' ? (
        <div>
          <button
            type="button"
            className="button button--ghost"
            onClick={() => {
              setStep({ kind: 'choosing' });
            }}
          >
            Share other clips
          </button>
        </div>
      ) : null}
    </section>
  );
}

/** Exactly what the agency will get, clip by clip: the manifest as sent, and the keys it is encrypted to. */
function SharePreview({
  agency,
  recipients,
  prepared,
  onSend,
  onCancel,
}: {
  agency: string;
  recipients: VerifiedRecipients;
  prepared: { item: WindowClip; share: PreparedShare }[];
  onSend: () => void;
  onCancel: () => void;
}) {
  return (
    <div className="stack share-preview" aria-label="What the agency will get">
      <h3>What {agency} will get</h3>
      <p>
        {prepared.length} {prepared.length === 1 ? 'copy' : 'copies'} encrypted to the agency’s{' '}
        {recipients.recipients.length} {recipients.recipients.length === 1 ? 'key' : 'keys'}, each verified in
        the transparency log (checked up to entry {recipients.checkpointSize - 1}). Not sent: your name, your
        account, your camera’s name or exact location, or anything else in your vault.
      </p>
      <ul aria-label="Agency keys">
        {recipients.recipients.map((r) => (
          <li key={r} className="inbox-mono">
            {r}
          </li>
        ))}
      </ul>
      {prepared.map(({ item, share }) => (
        <table key={item.clip.id} aria-label={`Clip from ${absoluteTime(item.clip.startedAt)}`}>
          <tbody>
            <tr>
              <th scope="row">Recorded</th>
              <td>
                {absoluteTime(share.manifest.captureStart)} to {absoluteTime(share.manifest.captureEnd)}
              </td>
            </tr>
            <tr>
              <th scope="row">Size</th>
              <td>
                {formatBytes(share.plaintextBytes)} of video ({formatBytes(share.ciphertextBytes)} encrypted)
              </td>
            </tr>
            <tr>
              <th scope="row">Video SHA-256</th>
              <td className="inbox-mono">{share.manifest.plaintextSha256}</td>
            </tr>
            <tr>
              <th scope="row">Encrypted SHA-256</th>
              <td className="inbox-mono">{share.manifest.ciphertextSha256}</td>
            </tr>
            <tr>
              <th scope="row">Privacy zones blacked out</th>
              <td>{share.manifest.redactions.filter((r) => r.kind === 'privacy_zone').length || 'none'}</td>
            </tr>
            <tr>
              <th scope="row">Your redaction</th>
              <td>
                {((summary) => (summary ? describeSummary(summary) : 'none: the clip as stored'))(
                  ownerRedaction(share.manifest.redactions),
                )}
              </td>
            </tr>
            <tr>
              <th scope="row">Camera area</th>
              <td className="inbox-mono">{share.manifest.coarseCell ?? 'not shared'}</td>
            </tr>
          </tbody>
        </table>
      ))}
      <div className="form-actions form-actions--start">
        <button type="button" className="button button--primary" onClick={onSend}>
          Send {prepared.length === 1 ? 'this clip' : `these ${prepared.length} clips`}
        </button>
        <button type="button" className="button button--ghost" onClick={onCancel}>
          Don’t send
        </button>
      </div>
    </div>
  );
}
