import { useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../../api/problem';
import { ProblemAlert } from '../../components/ProblemAlert';
import { absoluteTime } from '../../format';
import { formatBytes } from '../../vault/time';
import { ClipPlayer } from '../../vault/ClipPlayer';
import type { Camera, Clip } from '../../vault/types';
import { vault } from '../inbox/api';

/** A clip of one of the owner's cameras in the request's window, with the camera it came from. */
export interface WindowClip {
  clip: Clip;
  camera: Camera;
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
  onToggle,
}: {
  cameras: Camera[];
  windowStart: string;
  windowEnd: string;
  selected: ReadonlySet<number>;
  onToggle: (clip: WindowClip, on: boolean) => void;
}) {
  const [clips, setClips] = useState<WindowClip[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [playing, setPlaying] = useState<number | null>(null);

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

  if (error) return <ProblemAlert error={error} />;
  if (clips === null) return <p aria-busy="true">Looking for your clips from that time…</p>;
  if (clips.length === 0)
    return <p>Your cameras in the area have no clips from that time in your vault (or they have expired).</p>;
  return (
    <ul className="share-clips" aria-label="Your clips from the requested time">
      {clips.map((item) => {
        const { clip, camera } = item;
        const label = `${camera.name}, ${absoluteTime(clip.startedAt)} to ${absoluteTime(clip.endedAt)}`;
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
            {playing === clip.id ? (
              <ClipPlayer clipId={String(clip.id)} label={label} />
            ) : (
              <div>
                <button
                  type="button"
                  className="button button--ghost button--small"
                  onClick={() => {
                    setPlaying(clip.id);
                  }}
                >
                  Play
                </button>
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
