import type { Box, Redaction, Track, TrackKind } from './description.js';
import { boxAt } from './timeline.js';

/** The owner's changes to a detected redaction: tracks added or replaced (by id), and tracks deleted. */
export interface OwnerEdits {
  upsert: Track[];
  remove: string[];
}

/**
 * The detected redaction with the owner's edits applied: an edited track replaces the detected one with the same
 * id, a new id is added, a removed id is dropped. The owner's word wins over the detector's, and the detector's
 * tracks that the owner did not touch stay. Trim, blur kind, mute and frame-blur ranges come from `base`.
 */
export function mergeEdits(base: Redaction, edits: OwnerEdits): Redaction {
  const removed = new Set(edits.remove);
  const replaced = new Map(edits.upsert.map((t) => [t.id, t]));
  const tracks = base.tracks.filter((t) => !removed.has(t.id)).map((t) => replaced.get(t.id) ?? t);
  const known = new Set(base.tracks.map((t) => t.id));
  for (const t of edits.upsert) if (!known.has(t.id) && !removed.has(t.id)) tracks.push(t);
  return { ...base, tracks };
}

/**
 * The track with its box at `t` set to `box` (the owner moved or resized it on that frame): a keyframe is put at
 * `t` (replacing one already there), and the track's time range grows to include `t`. The track becomes the
 * owner's.
 */
export function setBoxAt(track: Track, t: number, box: Box): Track {
  const keyframes = track.keyframes.filter((k) => k.t !== t);
  keyframes.push({ t, box });
  keyframes.sort((a, b) => a.t - b.t);
  return { ...track, source: 'owner', from: Math.min(track.from, t), to: Math.max(track.to, t), keyframes };
}

/** A box the owner drew by hand: still, from `from` to `to` seconds. */
export function manualTrack(id: string, kind: TrackKind, from: number, to: number, box: Box): Track {
  return { id, kind, source: 'owner', from, to, keyframes: [{ t: from, box }] };
}

/** The boxes of every track at `t` (unpadded), for drawing the owner's review overlay. */
export function boxesAt(redaction: Redaction, t: number): { track: Track; box: Box }[] {
  const out: { track: Track; box: Box }[] = [];
  for (const track of redaction.tracks) {
    const box = boxAt(track, t);
    if (box) out.push({ track, box });
  }
  return out;
}
