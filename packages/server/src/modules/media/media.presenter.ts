import type { RedactionSummary } from '../disclosures/disclosures.schema.js';

/** One media item of a post as the posts query aggregates it (`POST_COLUMNS`' `media`). */
export interface PostMediaJson {
  id: string;
  kind: 'image' | 'video';
  status: 'processing' | 'ready' | 'failed';
  error: string | null;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  redaction: RedactionSummary | null;
}

/** SQL for a post's media (`p` is the post), in the order the author chose. */
export const POST_MEDIA_COLUMN = `(SELECT jsonb_agg(jsonb_build_object('id', m.id, 'kind', m.kind, 'status', m.status,
     'error', m.error, 'width', m.width, 'height', m.height, 'durationMs', m.duration_ms, 'redaction', m.redaction) ORDER BY m.position)
   FROM media m WHERE m.post_id = p.id) AS media`;

/** A post's media for a viewer: a failed item (and why) is shown to the author only. */
export function presentPostMedia(items: PostMediaJson[] | null | undefined, isMine: boolean) {
  return (items ?? [])
    .filter((m) => isMine || m.status !== 'failed')
    .map((m) => ({
      id: m.id,
      kind: m.kind,
      status: m.status,
      url: `/api/media/${m.id}`,
      thumbnailUrl: `/api/media/${m.id}/thumbnail`,
      width: m.width,
      height: m.height,
      durationMs: m.durationMs,
      error: isMine ? m.error : null,
      redaction: m.redaction ?? null,
    }));
}
