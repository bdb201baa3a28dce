/**
 * A change sequence for the feed's in-memory window of recent posts (`FeedWindow`): every insert of a post, and
 * every update of a column the window keeps, takes the next `posts_feed_seq` value under a transaction-scoped
 * advisory lock. The lock makes the values commit in the order they are taken, so a process that has read every
 * change up to n (the highest committed value it saw) misses none when it next reads the changes above n, and
 * `max(feed_seq)` — one index lookup — tells it whether its window is current.
 */
export default /* sql */ `
CREATE SEQUENCE posts_feed_seq;
ALTER TABLE posts ADD COLUMN feed_seq bigint;
CREATE INDEX posts_feed_seq_idx ON posts (feed_seq) WHERE feed_seq IS NOT NULL;

CREATE FUNCTION posts_feed_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7461003);
  NEW.feed_seq := nextval('posts_feed_seq');
  RETURN NEW;
END
$$;

CREATE TRIGGER posts_feed_seq
  BEFORE INSERT OR UPDATE OF category, status, cell, cell_lat, cell_lng, area_cell, author_id, created_at ON posts
  FOR EACH ROW EXECUTE FUNCTION posts_feed_seq();
`;
