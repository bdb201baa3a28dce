import type { BlurKind, Redaction } from './description.js';
import { blurStrength, coverage, toPixels, type CoverRegion } from './timeline.js';

/** An ffmpeg `-filter_complex` graph that renders a redaction, and the labels of its outputs. */
export interface FfmpegGraph {
  graph: string;
  /** The video output label, `[v]`. */
  video: string;
  /** The audio output label, or null when the audio is dropped (muted) or there is none. */
  audio: string | null;
  /** Blur radius / pixel block in pixels (see {@link blurStrength}). */
  strength: number;
  regions: CoverRegion[];
}

// ffmpeg's `t` is a float; ranges are widened to the millisecond outside so a boundary frame is never missed.
const floorMs = (t: number) => (Math.floor(t * 1000) / 1000).toFixed(3);
const ceilMs = (t: number) => (Math.ceil(t * 1000) / 1000).toFixed(3);

/** Pixelation block size for a blur strength: twice the blur radius, so both hide about as much. */
export const pixelBlock = (strength: number) => strength * 2;

function blurFilter(kind: BlurKind, strength: number, width: number, height: number): string {
  switch (kind) {
    case 'gaussian': {
      const chroma = Math.max(1, Math.floor(strength / 2));
      // Three passes of a box blur approximate a gaussian.
      return `boxblur=luma_radius=${strength}:luma_power=3:chroma_radius=${chroma}:chroma_power=3`;
    }
    case 'pixelate': {
      const block = pixelBlock(strength);
      const w = Math.max(1, Math.ceil(width / block));
      const h = Math.max(1, Math.ceil(height / block));
      return `scale=${w}:${h}:flags=area,scale=${width}:${height}:flags=neighbor`;
    }
    case 'solid':
      return 'drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill';
  }
}

/**
 * The filter graph that applies `redaction` to input 0 of an upright `width`×`height` video: a blurred (or
 * pixelated, or blacked-out) copy of each frame is laid over the original through a mask with one white box per
 * {@link coverage} region, enabled only during that region's time range; then the trim. Nothing outside the
 * boxes is touched before the re-encode.
 */
export function ffmpegGraph(
  redaction: Redaction,
  width: number,
  height: number,
  options: { hasAudio: boolean; step?: number },
): FfmpegGraph {
  const regions = coverage(redaction, options.step);
  const strength = blurStrength(regions, width, height);
  const boxes = regions.map((r) => {
    const p = toPixels(r.box, width, height);
    return `drawbox=x=${p.x}:y=${p.y}:w=${p.w}:h=${p.h}:color=white:t=fill:enable='between(t,${floorMs(r.start)},${ceilMs(r.end)})'`;
  });
  const trim = redaction.trim
    ? `trim=start=${floorMs(redaction.trim.start)}:end=${ceilMs(redaction.trim.end)},setpts=PTS-STARTPTS,`
    : '';
  const parts: string[] = [];
  if (regions.length === 0) {
    parts.push(`[0:v:0]${trim}format=yuv420p[v]`);
  } else {
    parts.push(
      '[0:v:0]format=yuv420p,split=3[orig][toblur][tomask]',
      `[toblur]${blurFilter(redaction.blur, strength, width, height)}[blurred]`,
      `[tomask]format=gray,${['drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill', ...boxes].join(',')}[mask]`,
      '[blurred][mask]alphamerge[masked]',
      `[orig][masked]overlay=0:0:format=auto,${trim}format=yuv420p[v]`,
    );
  }
  let audio: string | null = null;
  if (options.hasAudio && !redaction.mute) {
    audio = '[a]';
    const atrim = redaction.trim
      ? `atrim=start=${floorMs(redaction.trim.start)}:end=${ceilMs(redaction.trim.end)},asetpts=PTS-STARTPTS`
      : 'anull';
    parts.push(`[0:a:0]${atrim}[a]`);
  }
  return { graph: parts.join(';'), video: '[v]', audio, strength, regions };
}
