import {
  boxesAt,
  emptyRedaction,
  manualTrack,
  mergeEdits,
  setBoxAt,
  summarise,
  type BlurKind,
  type Box,
  type Redaction,
  type RedactionSummary,
  type Track,
  type TrackKind,
} from '@porchlight/redact';
import { useEffect, useMemo, useRef, useState } from 'react';
import { SelectField, TextField } from '../components/Field';
import type { RedactReply, RedactRequest } from './protocol';
import { describeSummary } from './summaryText';
import './redact.css';

/** Seconds between the frames the detector looks at. */
const SAMPLE_INTERVAL = 0.5;

type Job = { stage: string; fraction: number } | null;
type Drag = { mode: 'draw' | 'move' | 'resize'; trackId: string; x0: number; y0: number; box: Box };

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
const round = (v: number) => Math.round(v * 100) / 100;

/**
 * The owner's redaction step for one decrypted clip, entirely on this device: find faces (detection only), review
 * and edit boxes on the clip, trim, choose the blur, mute, render the redacted MP4 in a worker with progress and
 * cancel, and compare original and redacted side by side. `onDone` receives the redacted video and the
 * manifest summary (counts only) — the footage-request share flow calls it with the clip it is about to send.
 */
export function RedactStep({
  clip,
  label,
  onDone,
}: {
  clip: Blob;
  label: string;
  onDone?: (video: Blob, summary: RedactionSummary) => void;
}) {
  const [redaction, setRedaction] = useState<Redaction>(emptyRedaction);
  const [duration, setDuration] = useState(0);
  const [now, setNow] = useState(0);
  const [newKind, setNewKind] = useState<TrackKind>('plate');
  const [selected, setSelected] = useState<string | null>(null);
  const [job, setJob] = useState<Job>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [found, setFound] = useState<string | null>(null);
  const [result, setResult] = useState<{ url: string; blob: Blob; dropped: string[] } | null>(null);
  const [frameFrom, setFrameFrom] = useState('');
  const [frameTo, setFrameTo] = useState('');
  const worker = useRef<Worker | null>(null);
  const video = useRef<HTMLVideoElement>(null);
  const overlay = useRef<HTMLDivElement>(null);
  const drag = useRef<Drag | null>(null);
  const ownerIds = useRef(0);
  const originalUrl = useMemo(() => URL.createObjectURL(clip), [clip]);

  useEffect(
    () => () => {
      URL.revokeObjectURL(originalUrl);
      worker.current?.terminate();
    },
    [originalUrl],
  );
  useEffect(
    () => () => {
      if (result) URL.revokeObjectURL(result.url);
    },
    [result],
  );

  const run = (request: RedactRequest, onReply: (reply: RedactReply) => void) => {
    worker.current?.terminate();
    const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    setProblem(null);
    setJob({ stage: 'Starting', fraction: 0 });
    w.onmessage = (e: MessageEvent<RedactReply>) => {
      const reply = e.data;
      if (reply.type === 'progress') {
        setJob({ stage: reply.stage, fraction: reply.fraction });
        return;
      }
      setJob(null);
      w.terminate();
      worker.current = null;
      if (reply.type === 'error') setProblem(reply.message);
      else onReply(reply);
    };
    w.postMessage(request);
  };

  const cancel = () => {
    worker.current?.terminate();
    worker.current = null;
    setJob(null);
    setProblem('Cancelled. Nothing was kept.');
  };

  const detect = () => {
    run({ type: 'detect', clip, interval: SAMPLE_INTERVAL }, (reply) => {
      if (reply.type !== 'detected') return;
      // New detections replace earlier detector tracks; the owner's own boxes stay.
      setRedaction((r) => ({
        ...r,
        tracks: [...r.tracks.filter((t) => t.source !== 'detector'), ...reply.tracks],
      }));
      const faces = reply.tracks.filter((t) => t.kind === 'face').length;
      const plates = reply.tracks.filter((t) => t.kind === 'plate').length;
      setFound(
        reply.plates
          ? `${faces} face${faces === 1 ? '' : 's'} and ${plates} plate${plates === 1 ? '' : 's'} found in ${reply.frames} sampled frames.`
          : `${faces} face${faces === 1 ? '' : 's'} found in ${reply.frames} sampled frames. Licence plates are not detected on this server: box them by hand.`,
      );
    });
  };

  const render = () => {
    setResult(null);
    run({ type: 'render', clip, redaction }, (reply) => {
      if (reply.type !== 'rendered') return;
      setResult({ url: URL.createObjectURL(reply.video), blob: reply.video, dropped: reply.dropped });
    });
  };

  const upsert = (track: Track) => {
    setRedaction((r) => mergeEdits(r, { upsert: [track], remove: [] }));
  };
  const remove = (id: string) => {
    setRedaction((r) => mergeEdits(r, { upsert: [], remove: [id] }));
    if (selected === id) setSelected(null);
  };

  const point = (e: React.PointerEvent) => {
    const rect = overlay.current!.getBoundingClientRect();
    return {
      x: clamp01((e.clientX - rect.left) / rect.width),
      y: clamp01((e.clientY - rect.top) / rect.height),
    };
  };

  const onPointerDown = (e: React.PointerEvent, track?: Track, box?: Box, resize = false) => {
    e.stopPropagation();
    e.preventDefault();
    overlay.current?.setPointerCapture(e.pointerId);
    video.current?.pause();
    const p = point(e);
    if (track && box) {
      setSelected(track.id);
      drag.current = { mode: resize ? 'resize' : 'move', trackId: track.id, x0: p.x, y0: p.y, box };
      return;
    }
    ownerIds.current += 1;
    const id = `m${ownerIds.current}`;
    const end = duration > 0 ? duration : now + 5;
    upsert(manualTrack(id, newKind, now, Math.max(end, now + 0.1), { x: p.x, y: p.y, w: 0.01, h: 0.01 }));
    setSelected(id);
    drag.current = { mode: 'draw', trackId: id, x0: p.x, y0: p.y, box: { x: p.x, y: p.y, w: 0.01, h: 0.01 } };
  };

  const onPointerMove = (e: React.PointerEvent) => {
    const d = drag.current;
    if (!d) return;
    const p = point(e);
    const track = redaction.tracks.find((t) => t.id === d.trackId);
    if (!track) return;
    let box: Box;
    if (d.mode === 'draw') {
      box = {
        x: Math.min(d.x0, p.x),
        y: Math.min(d.y0, p.y),
        w: Math.abs(p.x - d.x0),
        h: Math.abs(p.y - d.y0),
      };
    } else if (d.mode === 'move') {
      const x = clamp01(d.box.x + p.x - d.x0);
      const y = clamp01(d.box.y + p.y - d.y0);
      box = { x: Math.min(x, 1 - d.box.w), y: Math.min(y, 1 - d.box.h), w: d.box.w, h: d.box.h };
    } else {
      box = { ...d.box, w: Math.max(0.01, p.x - d.box.x), h: Math.max(0.01, p.y - d.box.y) };
    }
    box = {
      x: box.x,
      y: box.y,
      w: Math.max(0.01, Math.min(box.w, 1 - box.x)),
      h: Math.max(0.01, Math.min(box.h, 1 - box.y)),
    };
    // A drawn box is still for its whole range; moving a detected box sets a keyframe at this moment only.
    upsert(d.mode === 'draw' ? { ...track, keyframes: [{ t: track.from, box }] } : setBoxAt(track, now, box));
  };

  const onPointerUp = () => {
    drag.current = null;
  };

  const setTrim = (start: number, end: number) => {
    setRedaction((r) => {
      if (!(end > start)) return r;
      const whole = start <= 0 && duration > 0 && end >= duration;
      const rest = { ...r };
      delete rest.trim;
      return whole ? rest : { ...rest, trim: { start, end } };
    });
  };

  const visible = boxesAt(redaction, now);
  const summary = summarise(redaction);
  const trimStart = redaction.trim?.start ?? 0;
  const trimEnd = redaction.trim?.end ?? duration;
  const busy = job !== null;

  return (
    <section className="card stack redact" aria-label={`Redact ${label}`}>
      <p className="muted">
        Everything here happens on this device: the clip is not uploaded, and the detectors only find where
        faces and licence plates are — they do not recognise anyone or read a plate.
      </p>
      <div className="redact__stage">
        <div className="redact__frame">
          <div className="redact__picture">
            <video
              ref={video}
              src={originalUrl}
              muted
              playsInline
              aria-label={`Original: ${label}`}
              onLoadedMetadata={(e) => {
                setDuration(e.currentTarget.duration);
              }}
              onTimeUpdate={(e) => {
                setNow(e.currentTarget.currentTime);
              }}
              onSeeked={(e) => {
                setNow(e.currentTarget.currentTime);
              }}
            />
            <div
              ref={overlay}
              className="redact__overlay"
              role="application"
              aria-label="Boxes to blur: drag on the picture to draw a box, drag a box to move it, its corner to resize it"
              onPointerDown={(e) => {
                onPointerDown(e);
              }}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
            >
              {visible.map(({ track, box }) => (
                <div
                  key={track.id}
                  className={`redact__box redact__box--${track.kind}${selected === track.id ? ' redact__box--selected' : ''}`}
                  data-track={track.id}
                  aria-label={`${track.kind} box ${track.id}`}
                  style={{
                    left: `${box.x * 100}%`,
                    top: `${box.y * 100}%`,
                    width: `${box.w * 100}%`,
                    height: `${box.h * 100}%`,
                  }}
                  onPointerDown={(e) => {
                    onPointerDown(e, track, box);
                  }}
                >
                  <span
                    className="redact__handle"
                    onPointerDown={(e) => {
                      onPointerDown(e, track, box, true);
                    }}
                  />
                </div>
              ))}
            </div>
          </div>
          <div className="redact__scrub">
            <button
              type="button"
              className="button button--small"
              onClick={() => {
                const v = video.current;
                if (!v) return;
                if (v.paused) void v.play();
                else v.pause();
              }}
            >
              Play / pause
            </button>
            <input
              type="range"
              min={0}
              max={duration || 0}
              step={0.04}
              value={now}
              aria-label="Position in the clip (s)"
              onChange={(e) => {
                const t = Number(e.target.value);
                if (video.current) video.current.currentTime = t;
                setNow(t);
              }}
            />
            <span>{now.toFixed(2)} s</span>
          </div>
        </div>
        <div className="stack redact__controls">
          <div className="form-actions form-actions--start">
            <button type="button" className="button button--primary" disabled={busy} onClick={detect}>
              Find faces and plates
            </button>
            <SelectField
              label="New boxes cover"
              value={newKind}
              onChange={(e) => {
                setNewKind(e.target.value as TrackKind);
              }}
            >
              <option value="plate">a licence plate</option>
              <option value="face">a face</option>
              <option value="manual">something else</option>
            </SelectField>
          </div>
          {found ? <p role="status">{found}</p> : null}
          <div className="redact__row">
            <TextField
              label="Keep from (s)"
              type="number"
              min={0}
              step={0.1}
              value={round(trimStart)}
              onChange={(e) => {
                setTrim(Number(e.target.value), trimEnd);
              }}
            />
            <TextField
              label="Keep to (s)"
              type="number"
              min={0}
              step={0.1}
              value={round(trimEnd)}
              onChange={(e) => {
                setTrim(trimStart, Number(e.target.value));
              }}
            />
          </div>
          <div className="redact__row">
            <SelectField
              label="Blur"
              value={redaction.blur}
              onChange={(e) => {
                setRedaction({ ...redaction, blur: e.target.value as BlurKind });
              }}
            >
              <option value="gaussian">Blur</option>
              <option value="pixelate">Pixelate</option>
              <option value="solid">Black box</option>
            </SelectField>
            <label className="redact__check">
              <input
                type="checkbox"
                checked={redaction.mute}
                onChange={(e) => {
                  setRedaction({ ...redaction, mute: e.target.checked });
                }}
              />{' '}
              Remove the sound
            </label>
          </div>
          <div className="redact__row">
            <TextField
              label="Blur whole picture from (s)"
              type="number"
              min={0}
              step={0.1}
              value={frameFrom}
              onChange={(e) => {
                setFrameFrom(e.target.value);
              }}
            />
            <TextField
              label="to (s)"
              type="number"
              min={0}
              step={0.1}
              value={frameTo}
              onChange={(e) => {
                setFrameTo(e.target.value);
              }}
            />
            <button
              type="button"
              className="button button--small"
              disabled={!(Number(frameTo) > Number(frameFrom))}
              onClick={() => {
                setRedaction({
                  ...redaction,
                  frameBlur: [...redaction.frameBlur, { start: Number(frameFrom), end: Number(frameTo) }],
                });
                setFrameFrom('');
                setFrameTo('');
              }}
            >
              Add
            </button>
          </div>
        </div>
      </div>
      <ol className="redact__timeline" aria-label="Boxes and blurred ranges">
        {redaction.tracks.map((t) => (
          <li key={t.id} className={selected === t.id ? 'redact__item--selected' : undefined}>
            <span className="redact__bar" aria-hidden="true">
              <span
                style={{
                  left: `${duration ? (t.from / duration) * 100 : 0}%`,
                  width: `${duration ? ((Math.min(t.to, duration) - t.from) / duration) * 100 : 100}%`,
                }}
              />
            </span>
            <button
              type="button"
              className="button button--small button--quiet"
              onClick={() => {
                setSelected(t.id);
                if (video.current) video.current.currentTime = t.keyframes[0]!.t;
              }}
            >
              {t.kind === 'plate' ? 'Plate' : t.kind === 'face' ? 'Face' : 'Box'} {t.id} (
              {t.source === 'owner' ? 'yours' : t.source}), {round(t.from)}–{round(t.to)} s
            </button>
            <button
              type="button"
              className="button button--small button--quiet"
              aria-label={`Delete ${t.kind} box ${t.id}`}
              onClick={() => {
                remove(t.id);
              }}
            >
              Delete
            </button>
          </li>
        ))}
        {redaction.frameBlur.map((r, i) => (
          <li key={`f${i}`}>
            Whole picture blurred {round(r.start)}–{round(r.end)} s{' '}
            <button
              type="button"
              className="button button--small button--quiet"
              onClick={() => {
                setRedaction({ ...redaction, frameBlur: redaction.frameBlur.filter((_, j) => j !== i) });
              }}
            >
              Delete
            </button>
          </li>
        ))}
      </ol>
      <p>{describeSummary(summary)}</p>
      <details>
        <summary>Redaction description (JSON)</summary>
        <pre data-testid="redaction-json">{JSON.stringify(redaction, null, 2)}</pre>
      </details>
      {problem ? (
        <p className="alert alert--error" role="alert">
          {problem}
        </p>
      ) : null}
      {job ? (
        <div className="redact__progress" role="status">
          <label>
            {job.stage}… <progress value={job.fraction} max={1} aria-label={job.stage} />{' '}
            {Math.round(job.fraction * 100)}%
          </label>
          <button type="button" className="button button--small" onClick={cancel}>
            Cancel
          </button>
        </div>
      ) : (
        <div className="form-actions form-actions--start">
          <button type="button" className="button button--primary" onClick={render}>
            Render redacted copy
          </button>
        </div>
      )}
      {result ? (
        <div className="stack">
          <div className="redact__compare">
            <figure>
              <video
                src={originalUrl}
                controls
                muted
                playsInline
                aria-label="Original (stays on this device)"
              />
              <figcaption>Original — stays on this device</figcaption>
            </figure>
            <figure>
              <video src={result.url} controls playsInline aria-label="Redacted copy" />
              <figcaption>Redacted copy — what would be shared</figcaption>
            </figure>
          </div>
          {result.dropped.length > 0 ? (
            <p className="alert">Left out of the copy: {result.dropped.join('; ')}.</p>
          ) : null}
          <div className="form-actions form-actions--start">
            <a className="button" href={result.url} download="redacted.mp4">
              Download redacted copy
            </a>
            {onDone ? (
              <button
                type="button"
                className="button button--primary"
                onClick={() => {
                  onDone(result.blob, summary);
                }}
              >
                Use the redacted copy
              </button>
            ) : null}
          </div>
        </div>
      ) : null}
    </section>
  );
}
