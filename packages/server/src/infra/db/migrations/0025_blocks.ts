/**
 * A resident blocks a neighbour (issue 10). A block is a mute that works both ways, so it is a flag on the
 * mute row rather than a second table: the feed's one `NOT EXISTS` on `mutes` answers both "did I mute or
 * block them" (primary key `(user_id, muted_id)`) and "did they block me" (the same key, reversed).
 * `created_at` is when the row last became a block or a mute. The blocked person is not told.
 */
export default /* sql */ `
ALTER TABLE mutes ADD COLUMN blocked boolean NOT NULL DEFAULT false;
`;
