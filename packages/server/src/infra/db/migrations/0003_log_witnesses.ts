export default /* sql */ `
-- Cosignatures (c2sp.org/tlog-cosignature) collected from the configured witnesses, one per witness key per
-- checkpoint. Each was verified against the witness's key before it was stored; the line is kept exactly as the
-- witness sent it so it can be appended to the checkpoint note unchanged. A checkpoint is served at once and
-- gains its cosignature lines as they arrive.
CREATE TABLE log_cosignatures (
  size         bigint NOT NULL REFERENCES log_checkpoints (size),
  witness      text NOT NULL,
  key_id       bigint NOT NULL CHECK (key_id BETWEEN 0 AND 4294967295),
  line         text NOT NULL CHECK (line LIKE '— % %'),
  cosigned_at  timestamptz NOT NULL,
  received_at  timestamptz NOT NULL,
  PRIMARY KEY (size, witness, key_id)
);
`;
