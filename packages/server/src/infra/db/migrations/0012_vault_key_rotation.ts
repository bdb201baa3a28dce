export default /* sql */ `
-- Key rotation (issue 9, hole 5). Each rotation makes a new identity; vault_keys holds the current one and its
-- generation. A retired identity is kept only sealed — age-encrypted to the CURRENT recipient — so the owner's
-- unlocked current key opens it, and with it the clips that were encrypted to it. A passphrase-wrapped copy of a
-- retired identity in an old backup or WAL file opens only the clips from before that rotation.
ALTER TABLE vault_keys ADD COLUMN generation integer NOT NULL DEFAULT 1 CHECK (generation >= 1);

CREATE TABLE vault_retired_keys (
  user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  generation      integer NOT NULL CHECK (generation >= 1),
  recipient       text NOT NULL,
  -- The retired identity, age-encrypted (armored) to vault_keys.recipient; replaced at every rotation.
  sealed_identity text NOT NULL,
  retired_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, generation)
);

-- Which key generation a hub was paired under, so the owner sees which hubs must pair again after a rotation.
ALTER TABLE devices ADD COLUMN key_generation integer;
`;
