import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { decodeCursor, encodeCursor, page } from './cursor.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64url');

describe('cursors', () => {
  it.each([1, 42, 123_456_789, 999_999_999_999_999])('round-trips position %i', (id) => {
    const cursor = encodeCursor(id);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toBe(id);
  });

  it('treats a missing or empty cursor as the first page', () => {
    expect(decodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor('')).toBeUndefined();
  });

  it.each([
    ['text that is not base64', 'not a cursor!'],
    ['another version', b64('v2:5')],
    ['a negative position', b64('v1:-3')],
    ['an exponent', b64('v1:1e3')],
    ['trailing text', b64('v1:5 or 1=1')],
    ['more digits than a safe integer holds', b64(`v1:${'9'.repeat(16)}`)],
    ['no position', b64('v1:')],
  ])('refuses %s as a 400 naming /querystring/cursor', (_label, cursor) => {
    let thrown: unknown;
    try {
      decodeCursor(cursor);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({
      code: 'validation_failed',
      status: 400,
      errors: [{ field: '/querystring/cursor' }],
    });
  });
});

describe('page', () => {
  const rows = (ids: number[]) => ids.map((id) => ({ id, name: `row ${id}` }));

  it('returns `limit` items and a cursor at the last one when the fetch found one more', () => {
    const result = page(rows([9, 8, 7, 6]), 3, (r) => r.name);
    expect(result.items).toEqual(['row 9', 'row 8', 'row 7']);
    expect(decodeCursor(result.nextCursor!)).toBe(7);
  });

  it('returns no cursor on the last page', () => {
    expect(page(rows([9, 8, 7]), 3, (r) => r.id)).toEqual({ items: [9, 8, 7], nextCursor: null });
    expect(page(rows([]), 3, (r) => r.id)).toEqual({ items: [], nextCursor: null });
  });
});
