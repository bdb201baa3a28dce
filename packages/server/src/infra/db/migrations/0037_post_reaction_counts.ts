/**
 * What every presented post showed by aggregating other tables per row, kept on the post instead: its reaction
 * counts per kind, and whether a moderator ever hid or restored it. Triggers keep both in the same transaction
 * as the change (a reaction added, changed or removed by any path, account deletion included; a moderation
 * decision recorded), so they are never stale. The per-row aggregate was the largest part of the feed page
 * statement's cost (bench/results/feed-http.md).
 *
 * Counts are changed by ±1 under the post row's lock, so concurrent reactions to one post all count.
 */
export default /* sql */ `
ALTER TABLE posts ADD COLUMN reaction_counts jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE posts ADD COLUMN moderated boolean NOT NULL DEFAULT false;

UPDATE posts p SET reaction_counts = c.counts
FROM (SELECT post_id, jsonb_object_agg(kind, n) AS counts
      FROM (SELECT post_id, kind, count(*)::int AS n FROM reactions GROUP BY post_id, kind) k
      GROUP BY post_id) c
WHERE c.post_id = p.id;

UPDATE posts p SET moderated = true
WHERE EXISTS (SELECT 1 FROM moderation_decisions d WHERE d.post_id = p.id AND d.action <> 'dismiss');

CREATE FUNCTION reactions_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.kind = NEW.kind AND OLD.post_id = NEW.post_id THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE posts SET reaction_counts = reaction_counts
      || jsonb_build_object(OLD.kind, coalesce((reaction_counts ->> OLD.kind)::int, 0) - 1)
    WHERE id = OLD.post_id;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    UPDATE posts SET reaction_counts = reaction_counts
      || jsonb_build_object(NEW.kind, coalesce((reaction_counts ->> NEW.kind)::int, 0) + 1)
    WHERE id = NEW.post_id;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER reactions_count AFTER INSERT OR DELETE OR UPDATE OF kind, post_id ON reactions
  FOR EACH ROW EXECUTE FUNCTION reactions_count();

CREATE FUNCTION moderation_marks_post() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE posts SET moderated = true WHERE id = NEW.post_id AND NOT moderated;
  RETURN NULL;
END
$$;

CREATE TRIGGER moderation_marks_post AFTER INSERT ON moderation_decisions
  FOR EACH ROW WHEN (NEW.action <> 'dismiss') EXECUTE FUNCTION moderation_marks_post();
`;
