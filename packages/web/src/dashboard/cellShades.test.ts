import { describe, expect, it } from 'vitest';
import { cellShades, shadeLabel, shadeOf } from './cellShades';

describe('request-area map shades', () => {
  it('gives one class per count while there are few, lightest for the fewest', () => {
    const shades = cellShades({ a: 1, b: 3, c: 2 });
    expect(shades.map(shadeLabel)).toEqual(['1 request', '2 requests', '3 requests']);
    expect(shadeOf(shades, 1)).toBe('#c6dbef');
    expect(shadeOf(shades, 3)).toBe('#08519c');
    expect(new Set(shades.map((s) => s.colour)).size).toBe(3);
  });

  it('splits many counts into five ranges that cover 1…max without gaps', () => {
    const shades = cellShades({ a: 1, b: 46, c: 3, d: 20 });
    expect(shades).toHaveLength(5);
    expect(shades[0]!.from).toBe(1);
    expect(shades.at(-1)!.to).toBe(46);
    for (let i = 1; i < shades.length; i++) expect(shades[i]!.from).toBe(shades[i - 1]!.to + 1);
    expect(shades.map(shadeLabel)[0]).toMatch(/^1–\d+ requests$/);
    // A busier cell is never lighter than a quieter one.
    const order = shades.map((s) => s.colour);
    expect(order.indexOf(shadeOf(shades, 46))).toBeGreaterThan(order.indexOf(shadeOf(shades, 3)));
    expect(shadeOf(shades, 20)).not.toBe(shadeOf(shades, 1));
  });

  it('has no legend when nothing was counted', () => {
    expect(cellShades({})).toEqual([]);
  });
});
