/**
 * A resident mutes a neighbour (issue 10): the muted person's posts and comments leave the muter's feed,
 * threads and live stream. The muted person is not told, and nothing about a mute is published.
 */
export default /* sql */ `
CREATE TABLE mutes (
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  muted_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, muted_id),
  CHECK (user_id <> muted_id)
);
-- Live fan-out asks "who among these recipients muted this author?".
CREATE INDEX mutes_muted_idx ON mutes (muted_id, user_id);
`;
