/**
 * Bystander requests (issue 11): someone shown in a public video post asks its owner, without an account, to
 * blur or remove them. The request reaches the owner only once the requester opens the link mailed to them
 * (`confirm_token_hash`, SHA-256 of the token; unconfirmed requests are deleted after a day). The email is
 * kept only until the answer is mailed (then set to NULL), and is never shown to the owner, a moderator or
 * the public. Moderators see a request once it has gone unanswered for 7 days after confirmation — a
 * query-time check on `confirmed_at`, no timer.
 */
export default /* sql */ `
CREATE TABLE bystander_requests (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  public_id    text NOT NULL UNIQUE,
  post_id      bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  owner_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('blur', 'remove')),
  start_ms     integer NOT NULL CHECK (start_ms >= 0),
  end_ms       integer NOT NULL CHECK (end_ms > start_ms),
  description  text NOT NULL,
  email        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  confirm_token_hash text UNIQUE,
  confirmed_at timestamptz,
  outcome      text CHECK (outcome IN ('blurred', 'removed', 'declined')),
  reason       text,
  answered_at  timestamptz,
  answered_by  text CHECK (answered_by IN ('owner', 'moderator')),
  CHECK ((outcome IS NULL) = (answered_at IS NULL))
);
CREATE INDEX bystander_requests_owner_idx ON bystander_requests (owner_id, created_at DESC);
CREATE INDEX bystander_requests_open_idx ON bystander_requests (confirmed_at) WHERE outcome IS NULL;
CREATE INDEX bystander_requests_unconfirmed_idx ON bystander_requests (created_at) WHERE confirmed_at IS NULL;
`;
