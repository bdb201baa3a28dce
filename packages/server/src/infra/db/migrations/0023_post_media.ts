/**
 * Photos and video in posts. A resident uploads each item over tus (`kind=media`, its own ledger tables); the
 * server re-encodes it (images at once, video on the job queue) into new blobs without metadata, and the raw
 * upload is deleted. Media are public plaintext by design; they are served only while their post is visible.
 * Deleting a media row (its post deleted, its owner's account deleted) queues every blob it names as an
 * orphan in the same transaction, so the blobs go too.
 */
export default /* sql */ `
CREATE TABLE media (
  id           text PRIMARY KEY,
  owner_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('image', 'video')),
  status       text NOT NULL CHECK (status IN ('processing', 'ready', 'failed')),
  error        text,
  post_id      bigint REFERENCES posts (id) ON DELETE CASCADE,
  position     integer,
  source_key   text,
  blob_key     text,
  thumb_key    text,
  size_bytes   bigint,
  width        integer,
  height       integer,
  duration_ms  integer,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX media_post_idx ON media (post_id, position) WHERE post_id IS NOT NULL;
CREATE INDEX media_owner_idx ON media (owner_id, created_at);

CREATE TABLE media_uploads (
  id          text PRIMARY KEY,
  owner_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('image', 'video')),
  size_bytes  bigint NOT NULL CHECK (size_bytes > 0),
  tus_state   jsonb,
  media_id    text REFERENCES media (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX media_uploads_stale_idx ON media_uploads (created_at) WHERE media_id IS NULL;

CREATE TABLE media_upload_parts (
  upload_id   text NOT NULL REFERENCES media_uploads (id) ON DELETE CASCADE,
  part_number integer NOT NULL,
  etag        text NOT NULL,
  size        bigint NOT NULL,
  PRIMARY KEY (upload_id, part_number)
);

ALTER TABLE orphan_blobs DROP CONSTRAINT orphan_blobs_kind_check;
ALTER TABLE orphan_blobs ADD CONSTRAINT orphan_blobs_kind_check
  CHECK (kind IN ('clip', 'upload', 'disclosure', 'media'));

CREATE FUNCTION media_orphan_blobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO orphan_blobs (blob_key, kind)
  SELECT k, 'media' FROM unnest(ARRAY[OLD.source_key, OLD.blob_key, OLD.thumb_key]) AS k WHERE k IS NOT NULL
  ON CONFLICT DO NOTHING;
  RETURN OLD;
END $$;
CREATE TRIGGER media_orphan_blobs AFTER DELETE ON media FOR EACH ROW EXECUTE FUNCTION media_orphan_blobs();
`;
