export default /* sql */ `
-- Second factors (issue 9, strong accounts). A session records whether its sign-in passed a second factor:
-- staff and agency sessions without one may only enrol a factor (http/session.ts).
ALTER TABLE sessions ADD COLUMN second_factor boolean NOT NULL DEFAULT false;

-- One authenticator app per account. confirmed_at is NULL until the first code proves the app holds the secret.
-- last_step is the RFC 6238 time step of the last accepted code: a code is accepted once, never replayed.
CREATE TABLE totp_factors (
  user_id      bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  secret       text NOT NULL,
  confirmed_at timestamptz,
  last_step    bigint,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE passkeys (
  credential_id text PRIMARY KEY,
  user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name          text NOT NULL,
  public_key    text NOT NULL,
  counter       bigint NOT NULL DEFAULT 0,
  transports    jsonb NOT NULL DEFAULT '[]',
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz
);
CREATE INDEX passkeys_user_idx ON passkeys (user_id);

-- Only SHA-256 digests of the one-time recovery codes are kept; each code has 50 random bits.
CREATE TABLE recovery_codes (
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash  text NOT NULL,
  used_at    timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

-- A password accepted, the second step pending: the browser holds the token (a cookie), not a session.
CREATE TABLE sign_in_challenges (
  token_hash text PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  webauthn_challenge text,
  failures   integer NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL
);
CREATE INDEX sign_in_challenges_user_idx ON sign_in_challenges (user_id);

-- WebAuthn challenges for a signed-in user: adding a passkey, or proving one before removing a factor.
CREATE TABLE webauthn_challenges (
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose    text NOT NULL CHECK (purpose IN ('register', 'prove')),
  challenge  text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, purpose)
);

-- Wrong second-factor attempts, counted per account over a window (rate limit beside the per-address one).
CREATE TABLE second_factor_failures (
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  at      timestamptz NOT NULL
);
CREATE INDEX second_factor_failures_idx ON second_factor_failures (user_id, at);
`;
