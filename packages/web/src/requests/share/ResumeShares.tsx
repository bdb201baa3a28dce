import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client';
import { ApiError, call, localError, toApiError } from '../../api/problem';
import { ProblemAlert } from '../../components/ProblemAlert';
import { absoluteTime } from '../../format';
import { formatBytes } from '../../vault/time';
import type { UnlockedVault } from '../../vault/vaultStore';
import type { InboxItem } from '../inbox/types';
import { isRefusal, resumeShare } from './disclosureUpload';
import { interruptedShare, isSending, keepInterrupted, onSharesChanged, takeInterrupted } from './liveShares';
import {
  discardShares,
  forgetShare,
  pendingShares,
  percentSent,
  terminateShare,
  updateShare,
  type PendingShare,
} from './pendingShares';
import { keyRing } from './SharePanel';

const closedReason = (status: InboxItem['request']['status']): string =>
  status === 'expired' ? 'the request has expired' : 'the agency closed the request';

/**
 * Shares this browser started for the request and did not finish (the page was reloaded or the tab closed
 * mid-upload, or the connection gave up while the page stayed open). After the vault is unlocked, "Resume
 * sharing" continues the upload where the server stopped, with the same bytes; "Discard" ends the upload on the
 * server and forgets it here. When the request is no longer open they are discarded, and the page says why.
 * The list follows the page's own sends (liveShares.ts): a share being sent is not listed, an interrupted one
 * appears at once.
 */
export function ResumeShares({
  item,
  userId,
  vault,
  onShared,
}: {
  item: InboxItem;
  userId: string;
  vault: UnlockedVault | null;
  onShared: () => void;
}) {
  const [shares, setShares] = useState<PendingShare[]>([]);
  const [busy, setBusy] = useState<{ key: string; sent: number; total: number } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const request = item.request;

  const reload = useCallback(async () => {
    if (request.status === 'open') {
      setShares((await pendingShares(userId, request.id)).filter((s) => !isSending(s.key)));
      return;
    }
    const count = await discardShares(userId, request.id);
    setShares([]);
    if (count === 0) return;
    setNotice(
      `Your unfinished share of ${count} ${count === 1 ? 'clip' : 'clips'} was discarded: ` +
        `${closedReason(request.status)}, so the agency can no longer receive it. Nothing more will be sent.`,
    );
  }, [userId, request.id, request.status]);

  useEffect(() => {
    const refresh = () => {
      reload().catch((err: unknown) => {
        setError(toApiError(err));
      });
    };
    refresh();
    return onSharesChanged(refresh);
  }, [reload]);

  /** Whether `share` can be continued here: a vault clip (read again), or a copy this page still holds. */
  const resumable = (share: PendingShare): boolean =>
    share.source === 'vault' || interruptedShare(share.key) !== undefined;

  const resume = async (share: PendingShare) => {
    const live = takeInterrupted(share.key);
    if (!live && (!vault || !share.head || !share.keptKey)) return;
    setError(null);
    setNotice(null);
    setBusy({ key: share.key, sent: share.sent, total: share.ciphertextBytes });
    let resumed = live;
    try {
      resumed ??= await resumeShare({
        clipId: share.clipId,
        identity: keyRing(vault!),
        head: share.head!,
        keptKey: share.keptKey!,
        manifest: share.manifest,
        ciphertextBytes: share.ciphertextBytes,
        plaintextBytes: share.plaintextBytes,
      });
      const { csrfToken } = await call(api.GET('/api/session'));
      await resumed.send({
        csrfToken,
        uploadUrl: share.uploadUrl,
        onProgress: (sent, total) => {
          setBusy({ key: share.key, sent, total });
        },
        onUploadUrl: (uploadUrl) => void updateShare(share.key, { uploadUrl }),
        onAccepted: (sent) => void updateShare(share.key, { sent }),
      });
      await forgetShare(share.key);
      setNotice('Shared the rest of the clip. It is logged publicly before the agency can download it.');
      onShared();
    } catch (err) {
      if (isRefusal(err)) {
        // The server will not take it (the request closed, the key changed…): nothing left to resume.
        resumed?.release();
        await forgetShare(share.key);
        setError(localError('This share cannot be finished', err instanceof Error ? err.message : ''));
      } else {
        // Still unfinished: a copy only this page holds stays kept; a vault clip is read again next time.
        if (live) keepInterrupted(share.key, live);
        else resumed?.release();
        setError(
          err instanceof Error && !(err instanceof ApiError)
            ? localError('Sending stopped again', `${err.message} What the server has is kept.`)
            : toApiError(err),
        );
      }
    } finally {
      setBusy(null);
      await reload();
    }
  };

  const discard = async (share: PendingShare) => {
    setError(null);
    try {
      await terminateShare(share);
      await forgetShare(share.key);
      setNotice('Discarded. The part already uploaded was deleted from the server.');
      await reload();
    } catch (err) {
      setError(toApiError(err));
    }
  };

  if (shares.length === 0 && !notice && !error) return null;
  return (
    <section className="card stack" aria-labelledby="resume-title">
      <h2 id="resume-title">Unfinished shares</h2>
      {error ? <ProblemAlert error={error} /> : null}
      {notice ? (
        <p role="status" className="alert">
          {notice}
        </p>
      ) : null}
      {shares.length > 0 ? (
        <p>
          Sending stopped before these were finished (the page was closed, or the connection gave up). What
          the server already has is kept for a while; this browser kept the encrypted file’s header and its
          key, sealed to your vault key (never in the clear, never sent), so the upload continues where it
          stopped.
        </p>
      ) : null}
      {shares.some((s) => s.source === 'vault') && !vault ? <p>Unlock your vault below to resume.</p> : null}
      <ul className="stack" aria-label="Unfinished shares">
        {shares.map((share) => (
          <li key={share.key} className="stack">
            <span>
              Clip from {absoluteTime(share.manifest.captureStart)}: {formatBytes(share.sent)} of{' '}
              {formatBytes(share.ciphertextBytes)} sent.
            </span>
            {!resumable(share) ? (
              <span>
                This was your redacted copy. It lived only in the page and is never stored on this device (it
                is unencrypted video), so it cannot be resumed: discard it and share again.
              </span>
            ) : null}
            {busy?.key === share.key ? (
              <div className="share-progress" aria-live="polite">
                <label htmlFor={`resume-${share.key}`}>
                  Sending the rest: {formatBytes(busy.sent)} of {formatBytes(busy.total)}
                </label>
                <progress id={`resume-${share.key}`} max={busy.total} value={busy.sent} />
              </div>
            ) : (
              <div className="form-actions form-actions--start">
                {resumable(share) ? (
                  <button
                    type="button"
                    className="button button--primary"
                    disabled={(share.source === 'vault' && !vault) || busy !== null}
                    onClick={() => void resume(share)}
                  >
                    Resume sharing ({percentSent(share)} % sent)
                  </button>
                ) : null}
                <button
                  type="button"
                  className="button button--ghost"
                  disabled={busy !== null}
                  onClick={() => void discard(share)}
                >
                  Discard
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
