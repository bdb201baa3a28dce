/**
 * Camera snapshots for the zone editor (hub): one frame per camera, age-encrypted by the hub to the owner's
 * pinned recipient, so the owner's unlocked browser can draw privacy zones over what the camera really sees.
 * The server holds only ciphertext and the frame's size; a new snapshot replaces the old one, and deleting the
 * camera (or the account) deletes it.
 */
export default /* sql */ `
CREATE TABLE camera_snapshots (
  camera_id  bigint PRIMARY KEY REFERENCES cameras (id) ON DELETE CASCADE,
  device_id  bigint NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  ciphertext bytea NOT NULL,
  width      integer NOT NULL CHECK (width BETWEEN 16 AND 8192),
  height     integer NOT NULL CHECK (height BETWEEN 16 AND 8192),
  taken_at   timestamptz NOT NULL,
  stored_at  timestamptz NOT NULL DEFAULT now()
);
`;
