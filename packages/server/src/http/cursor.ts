import { invalid } from '../errors.js';

/** Encodes a keyset position as an opaque cursor. */
export const encodeCursor = (id: number): string => Buffer.from(`v1:${id}`).toString('base64url');

/** Decodes a cursor from a query string; a malformed one is a 400 naming the parameter. */
export function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const m = /^v1:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw invalid('/querystring/cursor', 'is not a cursor this server issued');
  return Number(m[1]);
}

/** Splits a `limit + 1` fetch into a page and the cursor for the next one. */
export function page<R extends { id: number }, T>(rows: R[], limit: number, present: (r: R) => T) {
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map(present);
  return { items, nextCursor: more ? encodeCursor(rows[limit - 1]!.id) : null };
}
