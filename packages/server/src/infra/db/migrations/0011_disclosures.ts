export default /* sql */ `
-- Agency members' age keys (issue 8 §2). Like vault_keys, the identity is stored only wrapped under the
-- member's passphrase and recovery code. A key is in its agency's recipient set from its agency.key_added
-- event until its agency.key_removed event; replaced and removed keys stay as history (with the wrapped copies
-- dropped), so the public recipient list can name the log entries that added and removed each one.
CREATE TABLE agency_keys (
  id                        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agency_id                 bigint NOT NULL REFERENCES agencies (id),
  user_id                   bigint REFERENCES users (id) ON DELETE SET NULL,
  recipient                 text NOT NULL,
  wrapped_identity          text,
  recovery_wrapped_identity text,
  added_event_id            bigint NOT NULL REFERENCES events (id),
  removed_event_id          bigint REFERENCES events (id),
  created_at                timestamptz NOT NULL DEFAULT now(),
  removed_at                timestamptz,
  CHECK ((removed_at IS NULL) = (removed_event_id IS NULL)),
  CHECK (removed_at IS NOT NULL OR (wrapped_identity IS NOT NULL AND recovery_wrapped_identity IS NOT NULL))
);
-- One current key per member, and a recipient in one current set only: a member who registered another
-- agency's recipient would otherwise forward that agency every disclosure made to theirs.
CREATE UNIQUE INDEX agency_keys_current_member ON agency_keys (user_id) WHERE removed_at IS NULL;
CREATE UNIQUE INDEX agency_keys_current_recipient ON agency_keys (recipient) WHERE removed_at IS NULL;
CREATE INDEX agency_keys_agency_idx ON agency_keys (agency_id, id);

-- Disclosures (issue 8 §6–8): an owner's clip, encrypted in their browser to the agency's recipient set.
-- owner_id lets the owner list and revoke their own; it is never shown to an agency or written to the log.
CREATE TABLE disclosures (
  id                  text PRIMARY KEY CHECK (id ~ '^ds_[A-Za-z0-9_-]{22}$'),
  request_id          text NOT NULL REFERENCES footage_requests (id),
  agency_id           bigint NOT NULL REFERENCES agencies (id),
  owner_id            bigint REFERENCES users (id) ON DELETE SET NULL,
  -- The ciphertext's blob; NULL once it is deleted (revoked or expired).
  blob_key            text UNIQUE,
  status              text NOT NULL DEFAULT 'shared' CHECK (status IN ('shared', 'revoked', 'expired')),
  manifest            jsonb NOT NULL,
  plaintext_sha256    text NOT NULL CHECK (plaintext_sha256 ~ '^[0-9a-f]{64}$'),
  ciphertext_sha256   text NOT NULL CHECK (ciphertext_sha256 ~ '^[0-9a-f]{64}$'),
  plaintext_bytes     bigint NOT NULL CHECK (plaintext_bytes >= 0),
  ciphertext_bytes    bigint NOT NULL CHECK (ciphertext_bytes > 0),
  capture_start       timestamptz NOT NULL,
  capture_end         timestamptz NOT NULL CHECK (capture_end >= capture_start),
  created_event_id    bigint NOT NULL REFERENCES events (id),
  created_at          timestamptz NOT NULL,
  -- When the copy is deleted: the policy's retention after sharing, or a later legal hold's end.
  expires_at          timestamptz NOT NULL,
  first_downloaded_at timestamptz,
  ended_at            timestamptz,
  CHECK ((status = 'shared') = (ended_at IS NULL)),
  CHECK (status = 'shared' OR blob_key IS NULL)
);
CREATE INDEX disclosures_request_idx ON disclosures (request_id, created_at, id);
CREATE INDEX disclosures_owner_idx ON disclosures (owner_id, created_at DESC, id DESC);
CREATE INDEX disclosures_expiry_idx ON disclosures (expires_at) WHERE status = 'shared';

-- Legal holds: each one logged (disclosure.held) and public on the request page; the latest sets expires_at.
CREATE TABLE disclosure_holds (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  disclosure_id text NOT NULL REFERENCES disclosures (id),
  request_id    text NOT NULL REFERENCES footage_requests (id),
  case_number   text NOT NULL,
  justification text NOT NULL,
  until         timestamptz NOT NULL,
  filed_by      bigint REFERENCES users (id) ON DELETE SET NULL,
  event_id      bigint NOT NULL REFERENCES events (id),
  created_at    timestamptz NOT NULL
);
CREATE INDEX disclosure_holds_request_idx ON disclosure_holds (request_id, id);
CREATE INDEX disclosure_holds_disclosure_idx ON disclosure_holds (disclosure_id, id);

-- One disclosure.accessed entry per member per disclosure per UTC day: the primary key claims the day.
CREATE TABLE disclosure_accesses (
  disclosure_id text NOT NULL REFERENCES disclosures (id),
  user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  day           date NOT NULL,
  PRIMARY KEY (disclosure_id, user_id, day)
);

-- Disclosure uploads in progress over tus, kept apart from clip uploads (no camera; a request and a manifest
-- instead). Like uploads, the tus state lives here so the blob store holds only ciphertext.
CREATE TABLE disclosure_uploads (
  id            text PRIMARY KEY,
  owner_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  request_id    text NOT NULL REFERENCES footage_requests (id),
  manifest      jsonb NOT NULL,
  size_bytes    bigint NOT NULL CHECK (size_bytes > 0),
  tus_state     jsonb,
  disclosure_id text REFERENCES disclosures (id),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX disclosure_uploads_stale_idx ON disclosure_uploads (created_at) WHERE disclosure_id IS NULL;

CREATE TABLE disclosure_upload_parts (
  upload_id   text NOT NULL REFERENCES disclosure_uploads (id) ON DELETE CASCADE,
  part_number integer NOT NULL,
  etag        text NOT NULL,
  size        bigint NOT NULL,
  PRIMARY KEY (upload_id, part_number)
);

-- Disclosure blobs join the orphan queue (deleted after commit, retried by the retention job).
ALTER TABLE orphan_blobs DROP CONSTRAINT orphan_blobs_kind_check;
ALTER TABLE orphan_blobs ADD CONSTRAINT orphan_blobs_kind_check
  CHECK (kind IN ('clip', 'upload', 'disclosure'));
`;
