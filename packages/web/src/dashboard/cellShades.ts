/** One class of the request-area map's legend: counts `from`–`to` (inclusive) drawn in `colour`. */
export interface CellShade {
  readonly from: number;
  readonly to: number;
  readonly colour: string;
}

// Light to dark, readable on the blank and the tiled basemap; the darkest still lets street names show through.
const RAMP = ['#c6dbef', '#9ecae1', '#6baed6', '#3182bd', '#08519c'] as const;

/**
 * The legend's classes for cells counted 1…max: one class per count while there are few, else up to five
 * ranges of about equal width, so a cell's shade says roughly how many requests covered it.
 */
export function cellShades(counts: Readonly<Record<string, number>>): CellShade[] {
  const max = Math.max(0, ...Object.values(counts));
  if (max === 0) return [];
  const classes = Math.min(RAMP.length, max);
  const shades: CellShade[] = [];
  let from = 1;
  for (let i = 0; i < classes; i++) {
    const to = i === classes - 1 ? max : Math.max(from, Math.round((max * (i + 1)) / classes));
    if (to < from) continue;
    shades.push({ from, to, colour: RAMP[Math.round((i * (RAMP.length - 1)) / Math.max(1, classes - 1))]! });
    from = to + 1;
  }
  return shades;
}

/** The shade of a count in `shades` (the last one's colour beyond it). */
export function shadeOf(shades: readonly CellShade[], count: number): string {
  return (shades.find((s) => count >= s.from && count <= s.to) ?? shades.at(-1))?.colour ?? RAMP[0];
}

/** A legend class in words: "1 request", "2–4 requests". */
export function shadeLabel(s: CellShade): string {
  if (s.from === s.to) return `${s.from} ${s.from === 1 ? 'request' : 'requests'}`;
  return `${s.from}–${s.to} requests`;
}
