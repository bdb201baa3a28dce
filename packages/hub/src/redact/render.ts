import { rm } from 'node:fs/promises';
import { ffmpegGraph, type Redaction } from '@porchlight/redact';
import { HubError } from '../errors.js';
import { probeVideo, runTool, type VideoInfo } from '../ffmpeg.js';

/** What a redacted render did, for the owner and for benchmarks. */
export interface RenderResult {
  /** Still mask boxes drawn (one per short step of each track, plus whole-frame ranges). */
  regions: number;
  /** Blur radius or pixel block in pixels. */
  strength: number;
  /** Seconds of video written. */
  durationSeconds: number;
}

/** Encoder settings for the redacted copy. */
export interface RenderOptions {
  /** x264 preset (default `veryfast`). */
  preset?: string;
  /** x264 quality (default 20). */
  crf?: number;
  signal?: AbortSignal;
  info?: VideoInfo;
}

/**
 * Writes `output`: `input` redacted as `redaction` says — the boxes blurred, pixelated or blacked out on every
 * frame of their time ranges, whole-frame blur ranges, the trim, and no audio when muted — as H.264 MP4 with
 * the index first. The description's normalised coordinates are of the upright, square-pixel picture, which
 * is what the hub's zone burn-in writes; a rotated or anamorphic input is refused (`invalid`) rather than
 * blurred in the wrong place. On any failure nothing is left at `output`.
 */
export async function renderRedaction(
  input: string,
  output: string,
  redaction: Redaction,
  options: RenderOptions = {},
): Promise<RenderResult> {
  const info = options.info ?? (await probeVideo(input));
  if (info.rotation !== 0 || !['1:1', '0:1', 'N/A'].includes(info.sar)) {
    throw new HubError(
      `${input} is rotated ${info.rotation}° with pixel shape ${info.sar}: redaction boxes are placed on the upright picture, so burn in zones (which uprights it) first`,
      'invalid',
    );
  }
  const g = ffmpegGraph(redaction, info.width, info.height, { hasAudio: info.hasAudio });
  const audio = g.audio ? ['-map', g.audio, '-c:a', 'aac', '-b:a', '96k'] : ['-an'];
  try {
    await runTool(
      'ffmpeg',
      [
        '-v',
        'error',
        '-i',
        input,
        '-filter_complex',
        g.graph,
        '-map',
        g.video,
        '-c:v',
        'libx264',
        '-preset',
        options.preset ?? 'veryfast',
        '-crf',
        String(options.crf ?? 20),
        '-pix_fmt',
        'yuv420p',
        ...audio,
        '-movflags',
        '+faststart',
        '-f',
        'mp4',
        '-y',
        output,
      ],
      options.signal ? { signal: options.signal } : {},
    );
  } catch (err) {
    await rm(output, { force: true });
    throw err;
  }
  const trimmed = redaction.trim ? redaction.trim.end - redaction.trim.start : info.durationSeconds;
  return {
    regions: g.regions.length,
    strength: g.strength,
    durationSeconds: Math.min(trimmed, info.durationSeconds),
  };
}
