import { linkDetections, type SampledFrame, type Track } from '@porchlight/redact';
import { ALL_FORMATS, BlobSource, CanvasSink, Input } from 'mediabunny';
import { detectFaces, detectPlates } from './detector';

/** What detection found in a clip. */
export interface DetectOutcome {
  tracks: Track[];
  duration: number;
  width: number;
  height: number;
  /** Frames the detector looked at. */
  frames: number;
  /** Whether licence plates were looked for (false when the server has no plate cascade to serve). */
  plates: boolean;
}

/**
 * Runs the face and plate detectors on one frame every `interval` seconds of `clip` and links the boxes into tracks
 * (interpolated between samples, held one interval before and after). Only a bounded number of decoded frames
 * is alive at a time: the sink hands out one canvas per sample and reuses a small pool.
 */
export async function detectClip(
  clip: Blob,
  interval: number,
  onProgress: (fraction: number) => void,
): Promise<DetectOutcome> {
  const input = new Input({ source: new BlobSource(clip), formats: ALL_FORMATS });
  const track = await input.getPrimaryVideoTrack();
  if (!track) throw new Error('this file has no video track');
  const duration = await input.computeDuration();
  const width = await track.getDisplayWidth();
  const height = await track.getDisplayHeight();
  const sink = new CanvasSink(track, { poolSize: 2 });
  const times: number[] = [];
  for (let t = 0; t < duration; t += interval) times.push(t);
  const frames: SampledFrame[] = [];
  let i = 0;
  let plates = true;
  for await (const wrapped of sink.canvasesAtTimestamps(times)) {
    i += 1;
    if (!wrapped) continue;
    const canvas = wrapped.canvas as OffscreenCanvas;
    const faces = await detectFaces(canvas);
    const found = await detectPlates(canvas);
    if (found === null) plates = false;
    frames.push({ t: wrapped.timestamp, detections: [...faces, ...(found ?? [])] });
    onProgress(i / times.length);
  }
  return {
    tracks: linkDetections(frames, { interval }),
    duration,
    width,
    height,
    frames: frames.length,
    plates,
  };
}
