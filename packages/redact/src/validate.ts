import {
  BLUR_KINDS,
  MAX_KEYFRAMES,
  MAX_SECONDS,
  MAX_TRACKS,
  REDACTION_VERSION,
  TRACK_KINDS,
  TRACK_SOURCES,
  type Box,
  type Keyframe,
  type Redaction,
  type TimeRange,
  type Track,
} from './description.js';

/** A description that cannot be rendered; `problems` names each bad field by its JSON path. */
export class RedactionError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid redaction: ${problems.join('; ')}`);
    this.name = 'RedactionError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
// Boxes come from float arithmetic (padding, interpolation); a hair past the edge is not an error.
const EDGE = 1e-6;

function unknownKeys(o: Obj, allowed: readonly string[], at: string, out: string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) out.push(`${at}.${k} is not a known field`);
}

function time(v: unknown, at: string, out: string[]): number {
  if (!isNum(v) || v < 0 || v > MAX_SECONDS)
    out.push(`${at} must be a number of seconds from 0 to ${MAX_SECONDS}`);
  return v as number;
}

function range(v: unknown, at: string, out: string[]): TimeRange {
  if (!isObj(v)) {
    out.push(`${at} must be an object {start, end}`);
    return { start: 0, end: 0 };
  }
  unknownKeys(v, ['start', 'end'], at, out);
  const start = time(v.start, `${at}.start`, out);
  const end = time(v.end, `${at}.end`, out);
  if (isNum(start) && isNum(end) && !(end > start)) out.push(`${at}.end must be after ${at}.start`);
  return { start, end };
}

function box(v: unknown, at: string, out: string[]): Box {
  if (!isObj(v)) {
    out.push(`${at} must be an object {x, y, w, h}`);
    return { x: 0, y: 0, w: 0, h: 0 };
  }
  unknownKeys(v, ['x', 'y', 'w', 'h'], at, out);
  const { x, y, w, h } = v;
  for (const [k, n] of Object.entries({ x, y, w, h })) {
    if (!isNum(n) || n < 0 || n > 1) out.push(`${at}.${k} must be a number from 0 to 1`);
  }
  if (isNum(w) && w <= 0) out.push(`${at}.w must be greater than 0`);
  if (isNum(h) && h <= 0) out.push(`${at}.h must be greater than 0`);
  if (isNum(x) && isNum(w) && x + w > 1 + EDGE) out.push(`${at} runs past the right edge (x + w > 1)`);
  if (isNum(y) && isNum(h) && y + h > 1 + EDGE) out.push(`${at} runs past the bottom edge (y + h > 1)`);
  return { x, y, w, h } as Box;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], at: string, out: string[]): T {
  if (typeof v !== 'string' || !allowed.includes(v as T))
    out.push(`${at} must be one of ${allowed.join(', ')}`);
  return v as T;
}

function track(v: unknown, at: string, out: string[]): Track {
  if (!isObj(v)) {
    out.push(`${at} must be an object`);
    return { id: '', kind: 'manual', source: 'owner', from: 0, to: 0, keyframes: [] };
  }
  unknownKeys(v, ['id', 'kind', 'source', 'from', 'to', 'keyframes'], at, out);
  if (typeof v.id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(v.id)) {
    out.push(`${at}.id must be 1–64 letters, digits, _ or -`);
  }
  const kind = oneOf(v.kind, TRACK_KINDS, `${at}.kind`, out);
  const source = oneOf(v.source, TRACK_SOURCES, `${at}.source`, out);
  const from = time(v.from, `${at}.from`, out);
  const to = time(v.to, `${at}.to`, out);
  if (isNum(from) && isNum(to) && !(to > from)) out.push(`${at}.to must be after ${at}.from`);
  const keyframes: Keyframe[] = [];
  if (!Array.isArray(v.keyframes) || v.keyframes.length === 0 || v.keyframes.length > MAX_KEYFRAMES) {
    out.push(`${at}.keyframes must be a list of 1 to ${MAX_KEYFRAMES} keyframes`);
  } else {
    v.keyframes.forEach((k: unknown, i) => {
      const kat = `${at}.keyframes[${i}]`;
      if (!isObj(k)) {
        out.push(`${kat} must be an object {t, box}`);
        return;
      }
      unknownKeys(k, ['t', 'box'], kat, out);
      const t = time(k.t, `${kat}.t`, out);
      const prev = keyframes.at(-1);
      if (prev && isNum(t) && t < prev.t) out.push(`${kat}.t must not be before the previous keyframe`);
      if (isNum(t) && isNum(from) && isNum(to) && (t < from || t > to)) {
        out.push(`${kat}.t must lie within ${at}.from–${at}.to`);
      }
      keyframes.push({ t, box: box(k.box, `${kat}.box`, out) });
    });
  }
  return { id: v.id as string, kind, source, from, to, keyframes };
}

/**
 * Checks an untrusted value (parsed JSON from a form, a file or another device) and returns it as a
 * {@link Redaction}. Throws a {@link RedactionError} listing every problem, each named by its JSON path.
 */
export function parseRedaction(value: unknown): Redaction {
  const out: string[] = [];
  if (!isObj(value)) throw new RedactionError(['the redaction must be a JSON object']);
  unknownKeys(value, ['version', 'trim', 'blur', 'padding', 'tracks', 'frameBlur', 'mute'], '$', out);
  if (value.version !== REDACTION_VERSION) out.push(`$.version must be ${REDACTION_VERSION}`);
  const trim = value.trim === undefined ? undefined : range(value.trim, '$.trim', out);
  const blur = oneOf(value.blur, BLUR_KINDS, '$.blur', out);
  if (!isNum(value.padding) || value.padding < 0 || value.padding > 1) {
    out.push('$.padding must be a number from 0 to 1');
  }
  if (typeof value.mute !== 'boolean') out.push('$.mute must be true or false');
  const tracks: Track[] = [];
  if (!Array.isArray(value.tracks) || value.tracks.length > MAX_TRACKS) {
    out.push(`$.tracks must be a list of at most ${MAX_TRACKS} tracks`);
  } else {
    const ids = new Set<string>();
    value.tracks.forEach((t: unknown, i) => {
      const parsed = track(t, `$.tracks[${i}]`, out);
      if (ids.has(parsed.id)) out.push(`$.tracks[${i}].id "${parsed.id}" is used twice`);
      ids.add(parsed.id);
      tracks.push(parsed);
    });
  }
  const frameBlur: TimeRange[] = [];
  if (!Array.isArray(value.frameBlur) || value.frameBlur.length > MAX_TRACKS) {
    out.push(`$.frameBlur must be a list of at most ${MAX_TRACKS} time ranges`);
  } else {
    value.frameBlur.forEach((r: unknown, i) => frameBlur.push(range(r, `$.frameBlur[${i}]`, out)));
  }
  if (out.length > 0) throw new RedactionError(out);
  return {
    version: REDACTION_VERSION,
    ...(trim ? { trim } : {}),
    blur,
    padding: value.padding as number,
    tracks,
    frameBlur,
    mute: value.mute as boolean,
  };
}
