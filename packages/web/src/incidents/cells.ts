import type { Category, Post } from '../api/types';

/** How a cell fades with the age of its newest post: recent cells stand out, old ones recede. */
export const AGE_BANDS: readonly { label: string; maxMs: number; opacity: number }[] = [
  { label: 'Last 24 hours', maxMs: 24 * 3600_000, opacity: 0.8 },
  { label: 'Last 7 days', maxMs: 7 * 24 * 3600_000, opacity: 0.55 },
  { label: 'Last 30 days', maxMs: 30 * 24 * 3600_000, opacity: 0.35 },
  { label: 'Older', maxMs: Infinity, opacity: 0.18 },
];

/** The fill opacity for a cell whose newest post was made at `iso`. */
export function ageOpacity(iso: string, now: number): number {
  const age = now - Date.parse(iso);
  return (AGE_BANDS.find((b) => age <= b.maxMs) ?? AGE_BANDS[AGE_BANDS.length - 1]!).opacity;
}

/** One map cell with the posts shown in it, newest first. */
export interface IncidentCell {
  cell: string;
  /** The cell's centre: the only location a post reveals. */
  lat: number;
  lng: number;
  posts: Post[];
  /** The newest post's category: the cell's colour. */
  category: Category;
  categories: Category[];
  newestAt: string;
}

/** Posts grouped by their display cell, the cell with the newest post first. */
export function groupByCell(posts: readonly Post[]): IncidentCell[] {
  const byCell = new Map<string, Post[]>();
  for (const post of posts) {
    const list = byCell.get(post.location.cell);
    if (list) list.push(post);
    else byCell.set(post.location.cell, [post]);
  }
  const newestFirst = (a: Post, b: Post) => Date.parse(b.createdAt) - Date.parse(a.createdAt);
  return [...byCell.entries()]
    .map(([cell, list]) => {
      const sorted = [...list].sort(newestFirst);
      const newest = sorted[0]!;
      return {
        cell,
        lat: newest.location.lat,
        lng: newest.location.lng,
        posts: sorted,
        category: newest.category,
        categories: [...new Set(sorted.map((p) => p.category))],
        newestAt: newest.createdAt,
      };
    })
    .sort((a, b) => Date.parse(b.newestAt) - Date.parse(a.newestAt));
}
