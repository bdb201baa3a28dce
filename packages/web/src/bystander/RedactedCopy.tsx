import type { RedactionSummary } from '@porchlight/redact';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { call } from '../api/problem';
import { uploadMedia } from '../media/uploadMedia';
import { RedactStep } from '../redact/RedactStep';
import { describeSummary } from '../redact/summaryText';

type Stage =
  | { at: 'idle' }
  | { at: 'loading' }
  | { at: 'redacting'; video: Blob }
  | { at: 'uploading'; sent: number; total: number }
  | { at: 'ready'; mediaId: string; summary: RedactionSummary }
  | { at: 'failed'; message: string };

/**
 * For a "blurred" answer: the post's video is redacted on this device (the redaction step: find faces, draw
 * boxes, trim, blur), and the copy is uploaded with its summary. The copy replaces the post's video when the
 * answer is sent; until then neighbours still see the original.
 */
export function RedactedCopy({
  postId,
  onReady,
}: {
  postId: string;
  onReady: (mediaId: string | null) => void;
}) {
  const [stage, setStage] = useState<Stage>({ at: 'idle' });
  const cancel = useRef<(() => void) | null>(null);
  useEffect(() => () => cancel.current?.(), []);

  const open = async () => {
    setStage({ at: 'loading' });
    try {
      const post = await call(api.GET('/api/posts/{id}', { params: { path: { id: postId } } }));
      const video = post.media.find((m) => m.kind === 'video' && m.status === 'ready');
      if (!video) throw new Error('The post has no video to redact.');
      const res = await fetch(video.url, { credentials: 'same-origin' });
      if (!res.ok) throw new Error(`The video could not be loaded (${res.status}).`);
      setStage({ at: 'redacting', video: await res.blob() });
    } catch (err) {
      setStage({ at: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  };

  const upload = async (copy: Blob, summary: RedactionSummary) => {
    setStage({ at: 'uploading', sent: 0, total: copy.size });
    try {
      const { csrfToken } = await call(api.GET('/api/session'));
      const file = new File([copy], 'redacted.mp4', { type: 'video/mp4' });
      const up = uploadMedia(
        file,
        csrfToken,
        (sent, total) => {
          setStage({ at: 'uploading', sent, total });
        },
        summary,
      );
      cancel.current = up.cancel;
      const mediaId = await up.done;
      cancel.current = null;
      setStage({ at: 'ready', mediaId, summary });
      onReady(mediaId);
    } catch (err) {
      setStage({ at: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  };

  return (
    <div className="bystander-copy">
      <p className="muted">
        Blur the person in a copy of your video, on this device. When you send the answer, the copy replaces
        the video in your post and the original is deleted; the post says what was redacted.
      </p>
      {stage.at === 'idle' || stage.at === 'failed' ? (
        <>
          {stage.at === 'failed' ? (
            <p className="field__error" role="alert">
              {stage.message}
            </p>
          ) : null}
          <button type="button" className="button" onClick={() => void open()}>
            Redact the video
          </button>
        </>
      ) : null}
      {stage.at === 'loading' ? <p aria-busy="true">Loading the video…</p> : null}
      {stage.at === 'redacting' ? (
        <RedactStep
          clip={stage.video}
          label="video in your post"
          onDone={(copy, summary) => void upload(copy, summary)}
        />
      ) : null}
      {stage.at === 'uploading' ? (
        <p role="status">
          Uploading the redacted copy…{' '}
          <progress max={stage.total} value={stage.sent}>
            {Math.round((stage.sent / Math.max(1, stage.total)) * 100)} %
          </progress>
        </p>
      ) : null}
      {stage.at === 'ready' ? (
        <p role="status">
          Redacted copy ready: {describeSummary(stage.summary)}{' '}
          <button
            type="button"
            className="button button--small button--quiet"
            onClick={() => {
              onReady(null);
              setStage({ at: 'idle' });
            }}
          >
            Redact again
          </button>
        </p>
      ) : null}
    </div>
  );
}
