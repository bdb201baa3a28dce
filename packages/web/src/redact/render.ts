import {
  blurStrength,
  coverage,
  pixelBlock,
  regionsAt,
  toPixels,
  type BlurKind,
  type Box,
  type Redaction,
} from '@porchlight/redact';
import {
  ALL_FORMATS,
  BlobSource,
  BufferTarget,
  Conversion,
  Input,
  Mp4OutputFormat,
  Output,
  Quality,
  type VideoSample,
} from 'mediabunny';

/** What a browser render produced. */
export interface RenderOutcome {
  video: Blob;
  /** Tracks of the input left out of the output, and why (e.g. audio this browser cannot re-encode). */
  dropped: string[];
}

/**
 * Paints the redaction's regions for the frame at `t` (source seconds) onto `ctx`, which already holds the
 * frame. `source` is an untouched copy of the frame; `small` a scratch canvas for pixelation. The same regions
 * and the same strength as the hub's ffmpeg graph: box blur ≈ a gaussian of σ = the radius, pixel blocks
 * aligned to the frame's grid, solid black.
 */
export function paintRegions(
  ctx: OffscreenCanvasRenderingContext2D,
  source: OffscreenCanvas,
  small: OffscreenCanvas,
  boxes: readonly Box[],
  kind: BlurKind,
  strength: number,
): void {
  if (boxes.length === 0) return;
  const { width, height } = source;
  if (kind === 'pixelate') {
    const block = pixelBlock(strength);
    small.width = Math.max(1, Math.ceil(width / block));
    small.height = Math.max(1, Math.ceil(height / block));
    const s = small.getContext('2d')!;
    s.imageSmoothingQuality = 'high';
    s.drawImage(source, 0, 0, small.width, small.height);
  }
  for (const box of boxes) {
    const p = toPixels(box, width, height);
    ctx.save();
    ctx.beginPath();
    ctx.rect(p.x, p.y, p.w, p.h);
    ctx.clip();
    switch (kind) {
      case 'gaussian':
        ctx.filter = `blur(${strength}px)`;
        ctx.drawImage(source, 0, 0);
        break;
      case 'pixelate':
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(small, 0, 0, width, height);
        break;
      case 'solid':
        ctx.fillStyle = '#000';
        ctx.fillRect(p.x, p.y, p.w, p.h);
        break;
    }
    ctx.restore();
  }
}

/**
 * Renders the redacted MP4 of `clip` in this (worker) thread: decode with WebCodecs, paint every frame's
 * regions, re-encode as H.264, trim, drop audio when muted. Audio is copied when the trim allows, otherwise
 * dropped with a reason in `dropped` (this browser may have no AAC encoder). `signal` cancels.
 */
export async function renderRedacted(
  clip: Blob,
  redaction: Redaction,
  onProgress: (fraction: number) => void,
  signal: AbortSignal,
): Promise<RenderOutcome> {
  const input = new Input({ source: new BlobSource(clip), formats: ALL_FORMATS });
  const track = await input.getPrimaryVideoTrack();
  if (!track) throw new Error('this file has no video track');
  const width = await track.getDisplayWidth();
  const height = await track.getDisplayHeight();
  const regions = coverage(redaction);
  const strength = blurStrength(regions, width, height);
  const frame = new OffscreenCanvas(width, height);
  const source = new OffscreenCanvas(width, height);
  const small = new OffscreenCanvas(1, 1);
  const ctx = frame.getContext('2d')!;
  const sctx = source.getContext('2d')!;
  const output = new Output({
    format: new Mp4OutputFormat({ fastStart: 'in-memory' }),
    target: new BufferTarget(),
  });
  const conversion = await Conversion.init({
    input,
    output,
    showWarnings: false,
    ...(redaction.trim ? { trim: { start: redaction.trim.start, end: redaction.trim.end } } : {}),
    video: {
      codec: 'avc',
      quality: new Quality('high'),
      forceTranscode: true,
      process: (sample: VideoSample) => {
        sample.draw(sctx, 0, 0, width, height);
        ctx.drawImage(source, 0, 0);
        // The conversion has already moved the sample to output time (trim start = 0); regions are in source time.
        const t = sample.timestamp + (redaction.trim?.start ?? 0);
        paintRegions(ctx, source, small, regionsAt(regions, t), redaction.blur, strength);
        return frame;
      },
    },
    audio: redaction.mute ? { discard: true } : {},
  });
  if (!conversion.isValid) throw new Error('this browser cannot re-encode this video as H.264');
  conversion.onProgress = onProgress;
  const abort = () => void conversion.cancel();
  signal.addEventListener('abort', abort, { once: true });
  try {
    await conversion.execute();
  } finally {
    signal.removeEventListener('abort', abort);
  }
  const dropped = conversion.discardedTracks
    .filter((d) => d.reason !== 'discarded_by_user')
    .map((d) => `${d.track.type} track: ${d.reason.replaceAll('_', ' ')}`);
  const buffer = output.target.buffer!;
  return { video: new Blob([buffer], { type: 'video/mp4' }), dropped };
}
