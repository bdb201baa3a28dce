import { describe, expect, it } from 'vitest';
import type { Post } from '../api/types';
import { ageOpacity, groupByCell } from './cells';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW - h * 3600_000).toISOString();

function post(id: string, cell: string, category: Post['category'], createdAt: string): Post {
  return { id, category, createdAt, location: { cell, lat: 1, lng: 2 } } as Post;
}

describe('incident map cells', () => {
  it('groups posts by cell, newest cell first, coloured by its newest post', () => {
    const cells = groupByCell([
      post('a', 'c1', 'crime', hoursAgo(30)),
      post('b', 'c2', 'community', hoursAgo(2)),
      post('c', 'c1', 'safety', hoursAgo(1)),
    ]);
    expect(cells.map((c) => c.cell)).toEqual(['c1', 'c2']);
    expect(cells[0]!.posts.map((p) => p.id)).toEqual(['c', 'a']);
    expect(cells[0]!.category).toBe('safety');
    expect(cells[0]!.categories).toEqual(['safety', 'crime']);
    expect(cells[1]!.posts.map((p) => p.id)).toEqual(['b']);
  });

  it('fades a cell as its newest post ages', () => {
    const day = ageOpacity(hoursAgo(3), NOW);
    const week = ageOpacity(hoursAgo(50), NOW);
    const month = ageOpacity(hoursAgo(24 * 20), NOW);
    const older = ageOpacity(hoursAgo(24 * 90), NOW);
    expect(day).toBeGreaterThan(week);
    expect(week).toBeGreaterThan(month);
    expect(month).toBeGreaterThan(older);
  });
});
