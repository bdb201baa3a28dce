/**
 * Authors edit their posts and comments, and mark a post resolved (issue 10). Each edit keeps the version it
 * replaced, so moderators (and the author) can see what a post said before: an edit cannot quietly launder a
 * post that was reported for what it used to say.
 */
export default /* sql */ `
ALTER TABLE posts ADD COLUMN edited_at timestamptz;
ALTER TABLE posts ADD COLUMN resolved_at timestamptz;
ALTER TABLE comments ADD COLUMN edited_at timestamptz;

-- One row per replaced version: what the post said from its previous edit (or creation) until replaced_at.
CREATE TABLE post_revisions (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  post_id     bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  category    text NOT NULL,
  title       text NOT NULL,
  body        text NOT NULL,
  person      jsonb,
  replaced_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX post_revisions_post_idx ON post_revisions (post_id, id);

CREATE TABLE comment_revisions (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  comment_id  bigint NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
  body        text NOT NULL,
  replaced_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comment_revisions_comment_idx ON comment_revisions (comment_id, id);
`;
