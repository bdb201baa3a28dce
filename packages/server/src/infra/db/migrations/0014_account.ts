export default /* sql */ `
-- Account self-service (issue 9): email verification, password reset, the sessions page, account deletion.

-- Accounts that existed before verification was introduced count as verified from their creation.
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
UPDATE users SET email_verified_at = created_at;
-- A deleted account keeps its row (its posts and comments stay, shown as "Deleted account") with no email,
-- name, password or home left in it.
ALTER TABLE users ADD COLUMN deleted_at timestamptz;

-- What the sessions page shows: when a session was last used, a summary of the browser ("Firefox on Linux",
-- never the raw User-Agent) and a coarse network hint (the first two IPv4 octets / first IPv6 group pair).
ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz;
ALTER TABLE sessions ADD COLUMN user_agent text;
ALTER TABLE sessions ADD COLUMN ip_hint text;

-- Single-use links sent by email. Only the SHA-256 of the token is stored; the link holds the token.
CREATE TABLE account_tokens (
  token_hash text PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose    text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
  -- The address the link was sent to: a verification link proves this address, not a later one.
  email      text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz
);
CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, purpose);

-- Password-reset and verification-mail requests, counted per address and per client IP (both hashed) for rate
-- limits that hold whether or not the address has an account and across API processes.
CREATE TABLE account_mail_requests (
  key_hash   text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX account_mail_requests_idx ON account_mail_requests (key_hash, created_at);
`;
