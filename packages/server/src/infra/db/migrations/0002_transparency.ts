export default /* sql */ `
-- The log's Ed25519 signing key. Kept in the database for now so every API process signs with the same key;
-- an HSM or key-file option is a follow-up. At most one key is active.
CREATE TABLE log_keys (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  origin     text NOT NULL,
  skey       text NOT NULL,
  vkey       text NOT NULL,
  active     boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX log_keys_one_active ON log_keys (active) WHERE active;

-- Leaf index -> the entry's canonical bytes. event_id is UNIQUE so no outbox event is published twice;
-- the foreign key keeps a published event from being deleted.
CREATE TABLE log_entries (
  index    bigint PRIMARY KEY CHECK (index >= 0),
  event_id bigint NOT NULL UNIQUE REFERENCES events (id),
  data     bytea NOT NULL
);

-- One row per tile position holding its widest contents so far. A narrower (older) partial tile is a prefix of
-- a wider one, so every published width can be served from this row; a full tile (width 256) never changes.
CREATE TABLE log_tiles (
  level integer NOT NULL CHECK (level >= 0),
  index bigint NOT NULL CHECK (index >= 0),
  width integer NOT NULL CHECK (width BETWEEN 1 AND 256),
  data  bytea NOT NULL CHECK (length(data) = 32 * width),
  PRIMARY KEY (level, index)
);

-- Every signed checkpoint, newest = largest size. Written in the transaction that wrote its entries and tiles.
CREATE TABLE log_checkpoints (
  size       bigint PRIMARY KEY CHECK (size >= 0),
  root       bytea NOT NULL CHECK (length(root) = 32),
  note       text NOT NULL,
  created_at timestamptz NOT NULL
);
`;
