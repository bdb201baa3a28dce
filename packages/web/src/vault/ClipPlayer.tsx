import { useEffect, useRef, useState } from 'react';
import { LOCKED_STATUS, streamUrl } from './protocol';
import { readyToStream } from './vaultStore';

/**
 * Plays a clip through the vault service worker: the <video> element asks `/vault/stream/<id>` for byte
 * ranges and the worker fetches and decrypts only those. If the worker restarted and lost the key it
 * answers 423; the player hands the key over again and carries on from where it was.
 */
export function ClipPlayer({
  clipId,
  label,
  stream,
}: {
  clipId: string;
  label: string;
  /**
   * Another stream than the vault clip's: a disclosure URL and how to hand the worker the key that opens it
   * (resolving false when it cannot). Defaults to the vault clip and the vault key.
   */
  stream?: { src: string; ready: () => Promise<boolean> };
}) {
  const video = useRef<HTMLVideoElement>(null);
  const [src, setSrc] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const retries = useRef(0);

  const ready = stream?.ready ?? readyToStream;
  const target = stream?.src ?? streamUrl(clipId);

  useEffect(() => {
    let cancelled = false;
    ready()
      .then((ok) => {
        if (cancelled) return;
        if (ok) setSrc(target);
        else
          setProblem(
            'This browser cannot play vault clips: it has no service workers, or the vault is locked.',
          );
      })
      .catch((err: unknown) => {
        if (!cancelled) setProblem(`The vault player could not start: ${String(err)}`);
      });
    return () => {
      cancelled = true;
    };
    // `ready` may be a fresh function each render; the stream to open is named by `target`.
  }, [target]);

  const recover = async () => {
    const el = video.current;
    if (!el || !src) return;
    const res = await fetch(src, { headers: { Range: 'bytes=0-0' } }).catch(() => null);
    if (res?.status === LOCKED_STATUS && retries.current < 2) {
      retries.current += 1;
      const at = el.currentTime;
      await ready();
      el.load();
      el.addEventListener(
        'loadedmetadata',
        () => {
          el.currentTime = at;
        },
        { once: true },
      );
      return;
    }
    setProblem(res && !res.ok ? await res.text() : 'The clip could not be played.');
  };

  return (
    <div className="clip-player">
      {problem ? (
        <p className="alert alert--error" role="alert">
          {problem}
        </p>
      ) : null}
      {src ? (
        <video
          ref={video}
          src={src}
          controls
          playsInline
          preload="metadata"
          aria-label={label}
          onError={() => void recover()}
        />
      ) : problem ? null : (
        <p aria-busy="true">Opening the clip…</p>
      )}
    </div>
  );
}
