export default /* sql */ `
-- An owner's vault keys. Zero knowledge: the identity is stored only wrapped (age scrypt) under the owner's
-- passphrase and under a recovery code, both of which never reach the server.
CREATE TABLE vault_keys (
  user_id                   bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  recipient                 text NOT NULL,
  wrapped_identity          text NOT NULL,
  recovery_wrapped_identity text NOT NULL,
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cameras (
  id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id               bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name                   text NOT NULL,
  -- Exact point: server-side only, for matching footage requests. Never returned by the API (G8).
  lat                    double precision NOT NULL,
  lng                    double precision NOT NULL,
  cell                   text NOT NULL,
  area_cell              text NOT NULL,
  privacy_zones          jsonb NOT NULL DEFAULT '[]'::jsonb,
  retention_days         integer NOT NULL DEFAULT 30 CHECK (retention_days BETWEEN 1 AND 180),
  accept_agency_requests boolean NOT NULL DEFAULT false,
  created_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cameras_owner_idx ON cameras (owner_id, id);
CREATE INDEX cameras_area_idx ON cameras (area_cell) WHERE accept_agency_requests;

-- Paired home hubs. Only the token's SHA-256 is stored; a revoked device keeps its row so its token gets
-- "device_revoked" rather than a generic 401.
CREATE TABLE devices (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name         text NOT NULL,
  token_hash   text NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX devices_owner_idx ON devices (owner_id, id);

CREATE TABLE device_pairing_codes (
  code_hash  text PRIMARY KEY,
  owner_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE clips (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  camera_id  bigint NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
  started_at timestamptz NOT NULL,
  ended_at   timestamptz NOT NULL CHECK (ended_at >= started_at),
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  -- Of the ciphertext, hex. The server never sees the plaintext.
  sha256     text NOT NULL,
  blob_key   text NOT NULL UNIQUE,
  client_ref text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  UNIQUE (owner_id, client_ref)
);
CREATE INDEX clips_owner_idx ON clips (owner_id, started_at DESC, id DESC);
CREATE INDEX clips_camera_idx ON clips (camera_id, started_at DESC, id DESC);
CREATE INDEX clips_expiry_idx ON clips (expires_at);

-- tus uploads in progress (and, once finished, which clip they became). The tus state lives here rather than
-- in a sidecar file, so the blob store holds nothing but ciphertext and any API process can continue an upload.
CREATE TABLE uploads (
  id         text PRIMARY KEY,
  owner_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  camera_id  bigint NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
  device_id  bigint REFERENCES devices (id) ON DELETE SET NULL,
  started_at timestamptz NOT NULL,
  ended_at   timestamptz NOT NULL,
  client_ref text,
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  tus_state  jsonb,
  clip_id    bigint REFERENCES clips (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX uploads_stale_idx ON uploads (created_at) WHERE clip_id IS NULL;

-- S3 multipart parts of an upload in progress, recorded as they are written (ListParts is not needed).
CREATE TABLE upload_parts (
  upload_id   text NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
  part_number integer NOT NULL,
  etag        text NOT NULL,
  size        bigint NOT NULL,
  PRIMARY KEY (upload_id, part_number)
);

-- tus upload locks shared by every API process: a lease the holding request renews. A request that wants the
-- lock sets \`wanted\`, and the holder lets go (a client resuming after a dropped connection that the old request
-- has not noticed yet). A crashed holder's lease simply runs out.
CREATE TABLE upload_locks (
  upload_id  text PRIMARY KEY,
  holder     text NOT NULL,
  wanted     boolean NOT NULL DEFAULT false,
  expires_at timestamptz NOT NULL
);

-- Blobs whose rows are gone (clip deleted or expired, camera deleted, upload abandoned). Written in the
-- transaction that deletes the row, removed from storage after commit and retried by the retention job,
-- so a crash between the two never leaves ciphertext behind without a record of it.
CREATE TABLE orphan_blobs (
  blob_key   text PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('clip', 'upload')),
  created_at timestamptz NOT NULL DEFAULT now()
);
`;
