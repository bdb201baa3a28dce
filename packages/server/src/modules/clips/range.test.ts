import { describe, expect, it } from 'vitest';
import { resolveRange } from './range.js';

describe('resolveRange', () => {
  it.each([
    [undefined, 100, undefined],
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=90-', 100, { start: 90, end: 99 }],
    ['bytes=90-500', 100, { start: 90, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=-500', 100, { start: 0, end: 99 }],
    ['bytes=99-99', 100, { start: 99, end: 99 }],
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=5-4', 100, 'unsatisfiable'],
    ['bytes=-0', 100, 'unsatisfiable'],
    ['bytes=0-0,5-6', 100, undefined],
    ['items=0-9', 100, undefined],
    ['bytes=-', 100, undefined],
  ] as const)('%s of %i bytes → %j', (header, size, expected) => {
    expect(resolveRange(header, size)).toEqual(expected);
  });
});
