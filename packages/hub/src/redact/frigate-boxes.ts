import { linkDetections, type Detection, type SampledFrame, type Track } from '@porchlight/redact';

/**
 * One Frigate tracked-object update (an MQTT `frigate/events` message's `after`, or `/api/events` data) as far
 * as redaction cares: when the frame was taken and the face / licence-plate attribute boxes Frigate's own
 * detector found on it, in pixels `[x1, y1, x2, y2]` of the detect stream.
 */
export interface FrigateObjectUpdate {
  frame_time: number;
  current_attributes?: { label: string; box: [number, number, number, number]; score: number }[];
}

const KINDS: Record<string, Detection['kind']> = { face: 'face', license_plate: 'plate' };

/**
 * Frigate's face and licence-plate boxes during a clip as redaction tracks (source `frigate`): boxes are
 * normalised by the detect stream's size, times made relative to the clip's start, and updates linked into
 * tracks held `interval` seconds either side (Frigate reports on changes, so updates are sparse). Other
 * attribute labels are ignored; nothing here identifies anyone — Frigate's boxes are detections only.
 */
export function frigateTracks(
  updates: readonly FrigateObjectUpdate[],
  clip: { startedAt: number; detectWidth: number; detectHeight: number },
  interval = 1,
): Track[] {
  const frames: SampledFrame[] = [];
  for (const u of updates) {
    const detections: Detection[] = [];
    for (const a of u.current_attributes ?? []) {
      const kind = KINDS[a.label];
      if (!kind) continue;
      const [x1, y1, x2, y2] = a.box;
      const x = Math.max(0, Math.min(1, x1 / clip.detectWidth));
      const y = Math.max(0, Math.min(1, y1 / clip.detectHeight));
      const w = Math.min(1 - x, Math.max(0, (x2 - x1) / clip.detectWidth));
      const h = Math.min(1 - y, Math.max(0, (y2 - y1) / clip.detectHeight));
      if (w > 0 && h > 0) detections.push({ kind, score: a.score, box: { x, y, w, h } });
    }
    const t = u.frame_time - clip.startedAt;
    if (t >= 0 && detections.length > 0) frames.push({ t, detections });
  }
  return linkDetections(frames, { interval, source: 'frigate', idPrefix: 'f' });
}
