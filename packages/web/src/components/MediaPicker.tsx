import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { call } from '../api/problem';
import { redactionOf, takePendingMedia } from '../media/pendingMedia';
import { MEDIA_ACCEPT, MEDIA_LIMITS, mediaProblem, uploadMedia } from '../media/uploadMedia';

interface Item {
  key: string;
  name: string;
  kind: 'image' | 'video';
  preview: string;
  sent: number;
  total: number;
  mediaId?: string;
  error?: string;
  cancel?: () => void;
}

export interface MediaSelection {
  /** Uploaded media ids, in the order chosen. */
  ids: string[];
  /** A file is still going up (the post should wait). */
  uploading: boolean;
}

/**
 * Photos and videos for a post: each file is uploaded as soon as it is chosen, so posting is quick. Says
 * plainly that these are public and unencrypted (unlike the vault), and what the server removes.
 */
export function MediaPicker({
  onChange,
  error,
}: {
  onChange: (s: MediaSelection) => void;
  error?: string | undefined;
}) {
  const [items, setItems] = useState<Item[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const itemsRef = useRef(items);
  itemsRef.current = items;

  useEffect(() => {
    onChange({
      ids: items.flatMap((i) => (i.mediaId ? [i.mediaId] : [])),
      uploading: items.some((i) => !i.mediaId && !i.error),
    });
  }, [items, onChange]);

  useEffect(
    () => () => {
      for (const i of itemsRef.current) URL.revokeObjectURL(i.preview);
    },
    [],
  );

  // A vault clip handed over to be posted (Vault → Redact → Post): upload it as this post's video.
  useEffect(() => {
    const handed = takePendingMedia();
    if (handed.length > 0)
      void add(handed).catch((err: unknown) => {
        setProblem(err instanceof Error ? err.message : String(err));
      });
    // Once, on opening the composer.
  }, []);

  const update = (key: string, patch: Partial<Item>) => {
    setItems((all) => all.map((i) => (i.key === key ? { ...i, ...patch } : i)));
  };

  const add = async (files: File[]) => {
    setProblem(null);
    const room = MEDIA_LIMITS.perPost - items.length;
    if (files.length > room) setProblem(`A post can have at most ${MEDIA_LIMITS.perPost} photos and videos.`);
    const chosen = files.slice(0, Math.max(0, room));
    const refused = chosen.map(mediaProblem).find((p) => p !== null);
    if (refused) {
      setProblem(refused);
      return;
    }
    if (chosen.length === 0) return;
    const { csrfToken } = await call(api.GET('/api/session'));
    for (const file of chosen) {
      const key = crypto.randomUUID();
      const item: Item = {
        key,
        name: file.name,
        kind: file.type.startsWith('video/') ? 'video' : 'image',
        preview: URL.createObjectURL(file),
        sent: 0,
        total: file.size,
      };
      const up = uploadMedia(
        file,
        csrfToken,
        (sent, total) => {
          update(key, { sent, total });
        },
        redactionOf(file),
      );
      item.cancel = up.cancel;
      setItems((all) => [...all, item]);
      up.done.then(
        (mediaId) => {
          update(key, { mediaId });
        },
        (err: unknown) => {
          update(key, { error: err instanceof Error ? err.message : String(err) });
        },
      );
    }
  };

  const remove = (item: Item) => {
    item.cancel?.();
    URL.revokeObjectURL(item.preview);
    setItems((all) => all.filter((i) => i.key !== item.key));
  };

  return (
    <fieldset className="media-picker">
      <legend>Photos and video</legend>
      <p className="muted" id="media-public-note">
        Up to {MEDIA_LIMITS.perPost} photos (up to 15 MB each) or videos (up to 3 minutes, 200 MB). They are{' '}
        <strong>public to your neighbours and stored unencrypted</strong>, unlike your vault clips: post only
        what you mean to share. We remove location (GPS), camera details and all other metadata before anyone
        sees them.
      </p>
      {problem || error ? (
        <p className="field__error" role="alert">
          {problem ?? error}
        </p>
      ) : null}
      {items.length > 0 ? (
        <ul className="media-picker__items" aria-label="Chosen photos and videos">
          {items.map((i) => (
            <li key={i.key} className="media-picker__item">
              {i.kind === 'image' ? (
                <img src={i.preview} alt="" className="media-picker__preview" />
              ) : (
                <video src={i.preview} muted className="media-picker__preview" aria-hidden="true" />
              )}
              <span className="media-picker__name">{i.name}</span>
              <span className="media-picker__status" aria-live="polite">
                {i.error
                  ? `Not uploaded: ${i.error}`
                  : i.mediaId
                    ? i.kind === 'video'
                      ? 'Uploaded; it is converted after you post'
                      : 'Uploaded'
                    : `Uploading… ${Math.floor((i.sent / Math.max(1, i.total)) * 100)}%`}
              </span>
              <button
                type="button"
                className="button button--ghost button--small"
                onClick={() => {
                  remove(i);
                }}
              >
                Remove<span className="visually-hidden"> {i.name}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {items.length < MEDIA_LIMITS.perPost ? (
        <label className="button button--ghost media-picker__add">
          Add photos or video
          <input
            ref={input}
            type="file"
            accept={MEDIA_ACCEPT}
            multiple
            className="visually-hidden"
            aria-describedby="media-public-note"
            onChange={(e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = '';
              void add(files).catch((err: unknown) => {
                setProblem(err instanceof Error ? err.message : String(err));
              });
            }}
          />
        </label>
      ) : null}
    </fieldset>
  );
}
