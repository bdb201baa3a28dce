/**
 * A moderator suspends an account (issue 10): for a stated community rule and reason, until `ends_at` (or
 * until lifted when it is null). A suspension is in force while it is not lifted and its end is in the future;
 * that is checked when the account acts, so it ends on time with no timer or job. `public_id` (`su_…`) is
 * what the transparency log names; the account never appears there.
 */
export default /* sql */ `
CREATE TABLE suspensions (
  id               bigserial PRIMARY KEY,
  public_id        text NOT NULL UNIQUE,
  user_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  moderator_id     bigint REFERENCES users (id) ON DELETE SET NULL,
  rule             text NOT NULL,
  reason           text NOT NULL,
  created_at       timestamptz NOT NULL,
  ends_at          timestamptz,
  lifted_at        timestamptz,
  lifted_by        bigint REFERENCES users (id) ON DELETE SET NULL,
  lift_reason      text,
  appeal_statement text,
  appealed_at      timestamptz,
  CHECK (ends_at IS NULL OR ends_at > created_at)
);
-- "Is this account suspended now?" reads the account's unlifted suspensions.
CREATE INDEX suspensions_user_idx ON suspensions (user_id, created_at DESC) WHERE lifted_at IS NULL;
`;
