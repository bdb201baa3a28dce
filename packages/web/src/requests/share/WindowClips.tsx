import type { RedactionSummary } from '@porchlight/redact';
import { useEffect, useState } from 'react';
import { localError, toApiError, type ApiError } from '../../api/problem';
import { ProblemAlert } from '../../components/ProblemAlert';
import { absoluteTime } from '../../format';
import { RedactStep } from '../../redact/RedactStep';
import { describeSummary } from '../../redact/summaryText';
import { formatBytes } from '../../vault/time';
import { ClipPlayer } from '../../vault/ClipPlayer';
import { streamUrl } from '../../vault/protocol';
import type { Camera, Clip } from '../../vault/types';
import { readyToStream } from '../../vault/vaultStore';
import { vault } from '../inbox/api';

/** The owner's redacted copy of a clip, made on this device; shared instead of the clip when set. */
export interface RedactedCopy {
  video: Blob;
  summary: RedactionSummary;
}

/** A clip of one of the owner's cameras in the request's window, with the camera it came from. */
export interface WindowClip {
  clip: Clip;
  camera: Camera;
  redacted?: RedactedCopy;
}

/**
 * The owner's own clips from the request's window, on the cameras the request reached, listed from the
 * vault and played in this browser after unlock (the vault's service-worker player). Ticking one selects it
 * for sharing; nothing is sent until the owner confirms what the agency will get.
 */
export function WindowClips({
  cameras,
  windowStart,
  windowEnd,
  selected,
  redacted,
  onToggle,
  onRedacted,
}: {
  cameras: Camera[];
  windowStart: string;
  windowEnd: string;
  selected: ReadonlySet<string>;
  /** The redacted copies made so far, by clip id. */
  redacted: ReadonlyMap<string, RedactedCopy>;
  onToggle: (clip: WindowClip, on: boolean) => void;
  /** A redacted copy to share instead of the clip (which selects it), or null to share the clip as stored. */
  onRedacted: (clip: WindowClip, copy: RedactedCopy | null) => void;
}) {
  const [clips, setClips] = useState<WindowClip[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [playing, setPlaying] = useState<string | null>(null);
  const [redacting, setRedacting] = useState<{ id: string; original: Blob } | null>(null);

  // The redaction step works on the decrypted clip in this page: the vault's worker decrypts, nothing is sent.
  const startRedacting = async (clip: Clip) => {
    setError(null);
    const res = (await readyToStream()) ? await fetch(streamUrl(clip.id)) : null;
    if (!res?.ok) {
      setError(
        localError(
          'Cannot redact this clip',
          res ? await res.text() : 'This browser cannot decrypt vault clips.',
        ),
      );
      return;
    }
    setRedacting({ id: clip.id, original: await res.blob() });
  };

  useEffect(() => {
    let cancelled = false;
    Promise.all(
      cameras.map(async (camera) =>
        (await vault.clips(camera.id, windowStart, windowEnd)).map((clip) => ({ clip, camera })),
      ),
    )
      .then((lists) => {
        if (!cancelled)
          setClips(lists.flat().sort((a, b) => a.clip.startedAt.localeCompare(b.clip.startedAt)));
      })
      .catch((err: unknown) => {
        if (!cancelled) setError(toApiError(err));
      });
    return () => {
      cancelled = true;
    };
  }, [cameras, windowStart, windowEnd]);

  if (error && clips === null) return <ProblemAlert error={error} />;
  if (clips === null) return <p aria-busy="true">Looking for your clips from that time…</p>;
  if (clips.length === 0)
    return <p>Your cameras in the area have no clips from that time in your vault (or they have expired).</p>;
  return (
    <>
      {error ? <ProblemAlert error={error} /> : null}
      <ul className="share-clips" aria-label="Your clips from the requested time">
        {clips.map((item) => {
          const { clip, camera } = item;
          const label = `${camera.name}, ${absoluteTime(clip.startedAt)} to ${absoluteTime(clip.endedAt)}`;
          const copy = redacted.get(clip.id);
          return (
            <li key={clip.id} className="card share-clip">
              <label>
                <input
                  type="checkbox"
                  checked={selected.has(clip.id)}
                  onChange={(e) => {
                    onToggle(item, e.currentTarget.checked);
                  }}
                />
                <span>
                  {label} <span className="muted">({formatBytes(clip.sizeBytes)})</span>
                </span>
              </label>
              {copy ? (
                <p className="share-clip__redacted">
                  A redacted copy will be shared, not the clip: {describeSummary(copy.summary)}{' '}
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    onClick={() => {
                      onRedacted(item, null);
                    }}
                  >
                    Share the clip as stored instead
                  </button>
                </p>
              ) : null}
              {playing === clip.id ? <ClipPlayer clipId={clip.id} label={label} /> : null}
              {redacting?.id === clip.id ? (
                <RedactStep
                  clip={redacting.original}
                  label={`clip from ${label}`}
                  onDone={(video, summary) => {
                    onRedacted({ ...item, redacted: { video, summary } }, { video, summary });
                    setRedacting(null);
                  }}
                />
              ) : null}
              <div className="form-actions form-actions--start">
                {playing === clip.id ? null : (
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    onClick={() => {
                      setPlaying(clip.id);
                    }}
                  >
                    Play
                  </button>
                )}
                <button
                  type="button"
                  className="button button--ghost button--small"
                  onClick={() => {
                    if (redacting?.id === clip.id) setRedacting(null);
                    else void startRedacting(clip);
                  }}
                >
                  {redacting?.id === clip.id
                    ? 'Close redaction'
                    : copy
                      ? 'Redact again'
                      : 'Redact before sharing'}
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </>
  );
}
