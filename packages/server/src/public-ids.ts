import { Type } from 'typebox';
import { invalid } from './errors.js';
import { opaqueId } from './modules/requests/requests.ids.js';

/**
 * Public ids of the things residents create. Rows keep integer primary keys inside the database; anything
 * that leaves the server (API, live events, log entries, hub config) names them by a random id instead, so an
 * id says nothing about how many posts or clips the instance holds and the next one cannot be guessed.
 */
export const PUBLIC_ID_KINDS = {
  po: 'post',
  co: 'comment',
  ca: 'camera',
  cl: 'clip',
  dv: 'device',
} as const;

export type PublicIdKind = keyof typeof PUBLIC_ID_KINDS;

/** The pattern of one kind's ids, as a string for schemas: the prefix and 22 base64url characters. */
export const publicIdPattern = (kind: PublicIdKind): string => `^${kind}_[A-Za-z0-9_-]{22}$`;

/** A new public id of the given kind (the same generator as request ids: 16 random bytes, base64url). */
export const newPublicId = (kind: PublicIdKind): string => opaqueId(kind);

export const isPublicId = (kind: PublicIdKind, value: unknown): value is string =>
  typeof value === 'string' && new RegExp(publicIdPattern(kind)).test(value);

/** The schema of one kind's id; a value of another kind fails validation naming the field. */
export const PublicId = (kind: PublicIdKind, description = `A ${PUBLIC_ID_KINDS[kind]} id (${kind}_…)`) =>
  Type.String({ pattern: publicIdPattern(kind), description });

/** Path parameters `{ id }` for one kind of public id. */
export const PublicIdParams = (kind: PublicIdKind) =>
  Type.Object({ id: PublicId(kind) }, { additionalProperties: false });

/** Checks an id that arrives outside a schema (live query strings, tus metadata); 400 naming `pointer`. */
export function parsePublicId(kind: PublicIdKind, value: unknown, pointer: string): string {
  if (!isPublicId(kind, value)) throw invalid(pointer, `must be a ${PUBLIC_ID_KINDS[kind]} id (${kind}_…)`);
  return value;
}

/**
 * Splits a `limit + 1` fetch into a page and the next page's cursor: the public id of the page's last row, so a
 * cursor, like an id, says nothing about how many rows the instance holds.
 */
export function publicIdPage<R extends { public_id: string }, T>(
  rows: R[],
  limit: number,
  present: (r: R) => T,
) {
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map(present);
  return { items, nextCursor: more ? rows[limit - 1]!.public_id : null };
}

/** A cursor from {@link publicIdPage}; anything else is a 400 naming the parameter. */
export function publicIdCursor(kind: PublicIdKind, cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  if (!isPublicId(kind, cursor)) throw invalid('/querystring/cursor', 'is not a cursor this server issued');
  return cursor;
}
