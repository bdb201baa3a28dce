/**
 * Privacy zones in Frigate's convention: a polygon as normalised `x1,y1,x2,y2,...` coordinates, each 0–1,
 * origin top-left. The hub burns these into the video before encryption, so they must be exact and valid.
 */

export interface ZonePoint {
  x: number;
  y: number;
}

export type ZoneParse = { ok: true; points: ZonePoint[] } | { ok: false; error: string };

/** Parses one zone string, naming what is wrong when it is not a polygon of at least three points in 0–1. */
export function parseZone(text: string): ZoneParse {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, error: 'The zone is empty.' };
  const parts = trimmed.split(/\s*,\s*/);
  const numbers: number[] = [];
  for (const [i, part] of parts.entries()) {
    const n = part === '' ? Number.NaN : Number(part);
    if (!Number.isFinite(n)) return { ok: false, error: `Value ${i + 1} (“${part}”) is not a number.` };
    if (n < 0 || n > 1) return { ok: false, error: `Value ${i + 1} (${part}) is outside 0–1.` };
    numbers.push(n);
  }
  if (numbers.length % 2 !== 0) return { ok: false, error: 'Coordinates come in x,y pairs; one is missing.' };
  if (numbers.length < 6) return { ok: false, error: 'A zone needs at least three points.' };
  const points: ZonePoint[] = [];
  for (let i = 0; i < numbers.length; i += 2) points.push({ x: numbers[i]!, y: numbers[i + 1]! });
  return { ok: true, points };
}

/** Formats points as Frigate does: three decimals, no spaces, clamped to 0–1. */
export function formatZone(points: readonly ZonePoint[]): string {
  const f = (n: number) => String(Number(Math.min(1, Math.max(0, n)).toFixed(3)));
  return points.map((p) => `${f(p.x)},${f(p.y)}`).join(',');
}

/**
 * Checks every zone of a camera; returns one message per invalid zone (index → message), empty when all
 * are valid. Several lines pasted into one zone are split by the editor before this runs.
 */
export function zoneErrors(zones: readonly string[]): Map<number, string> {
  const errors = new Map<number, string>();
  zones.forEach((z, i) => {
    const parsed = parseZone(z);
    if (!parsed.ok) errors.set(i, parsed.error);
  });
  return errors;
}

/** Splits pasted text holding one or more zones (one per line, or Frigate YAML `coordinates:` lines). */
export function splitPastedZones(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*-?\s*(coordinates:)?\s*/i, '').trim())
    .filter((line) => line !== '');
}
