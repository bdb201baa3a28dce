/**
 * Following a post (issue 10): a resident follows a post to hear of new comments and updates (edited,
 * resolved) on it. Authors follow their own posts from the start, and every existing post is followed by its
 * author here. Who follows what is private: it is never shown to anyone else and never logged.
 */
export default /* sql */ `
CREATE TABLE post_follows (
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  post_id    bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, post_id)
);
-- Fan-out on a comment or an update asks "who follows this post?".
CREATE INDEX post_follows_post_idx ON post_follows (post_id, user_id);
INSERT INTO post_follows (user_id, post_id, created_at) SELECT author_id, id, created_at FROM posts;

-- New kinds for followers: 'comment' (a new comment on a post they follow, not their own) and 'update'
-- (the post was edited, resolved or reopened).
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
  CHECK (kind IN ('reply', 'reaction', 'moderation', 'appeal', 'comment', 'update'));
`;
