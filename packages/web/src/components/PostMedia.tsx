import { useEffect, useRef } from 'react';
import { api } from '../api/client';
import type { Post } from '../api/types';
import { describeSummary } from '../redact/summaryText';

/** How often a post with a video still converting asks whether it is ready. */
const POLL_MS = 4000;

/**
 * A post's photos (thumbnails that open the full photo) and videos (a player with its poster frame; byte
 * ranges let it seek). A video still converting says so and is checked again until it is ready; one that
 * failed tells its author why (others never see it).
 */
export function PostMedia({ post, onChange }: { post: Post; onChange: (post: Post) => void }) {
  const media = post.media;
  const processing = media.some((m) => m.status === 'processing');
  // The latest callback, so a parent re-rendering (a new inline function each time) does not restart the timer.
  const changed = useRef(onChange);
  changed.current = onChange;
  useEffect(() => {
    if (!processing) return;
    const timer = window.setInterval(() => {
      void api.GET('/api/posts/{id}', { params: { path: { id: post.id } } }).then(({ data }) => {
        if (data && !data.media.some((m) => m.status === 'processing')) changed.current(data);
      });
    }, POLL_MS);
    return () => {
      window.clearInterval(timer);
    };
  }, [processing, post.id]);

  if (media.length === 0) return null;
  const photos = media.filter((m) => m.kind === 'image').length;
  let photo = 0;
  return (
    <ul className={`post-media post-media--${Math.min(media.length, 4)}`} aria-label="Photos and video">
      {media.map((m) => {
        if (m.kind === 'image') {
          photo += 1;
          return (
            <li key={m.id} className="post-media__item">
              <a href={m.url} target="_blank" rel="noreferrer">
                <img
                  src={m.thumbnailUrl}
                  alt={`Photo ${photo} of ${photos} in “${post.title}” (opens full size)`}
                  width={m.width ?? undefined}
                  height={m.height ?? undefined}
                  loading="lazy"
                />
              </a>
            </li>
          );
        }
        if (m.status === 'processing')
          return (
            <li key={m.id} className="post-media__item post-media__pending" role="status">
              Video processing…
            </li>
          );
        if (m.status === 'failed')
          return (
            <li key={m.id} className="post-media__item post-media__failed" role="alert">
              Your video could not be processed: {m.error}. Neighbours do not see it; delete the post and try
              another file.
            </li>
          );
        return (
          <li key={m.id} className="post-media__item post-media__video">
            <video
              controls
              preload="metadata"
              playsInline
              poster={m.thumbnailUrl}
              src={m.url}
              aria-label={`Video in “${post.title}”`}
              width={m.width ?? undefined}
              height={m.height ?? undefined}
            />
            {m.redaction ? (
              <p className="muted post-media__redaction">
                Redacted by its owner before posting: {describeSummary(m.redaction)}
              </p>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
