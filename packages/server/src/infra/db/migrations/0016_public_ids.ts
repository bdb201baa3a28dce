/**
 * Random public ids for posts, comments, cameras, clips and devices (issue 9). Integer primary keys stay for
 * joins; only `public_id` leaves the server. Existing rows are backfilled here; the server writes ids from
 * the same generator as request ids (src/public-ids.ts), and the column default covers any other insert.
 * 16 random bytes (from gen_random_uuid, so 122 of the 128 bits are random), base64url, 22 characters.
 */
export default /* sql */ `
CREATE FUNCTION porchlight_public_id(prefix text) RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT prefix || '_' || translate(rtrim(encode(uuid_send(gen_random_uuid()), 'base64'), '='), '+/', '-_')
$$;

ALTER TABLE posts ADD COLUMN public_id text NOT NULL DEFAULT porchlight_public_id('po')
  CHECK (public_id ~ '^po_[A-Za-z0-9_-]{22}$');
CREATE UNIQUE INDEX posts_public_id_key ON posts (public_id);

ALTER TABLE comments ADD COLUMN public_id text NOT NULL DEFAULT porchlight_public_id('co')
  CHECK (public_id ~ '^co_[A-Za-z0-9_-]{22}$');
CREATE UNIQUE INDEX comments_public_id_key ON comments (public_id);

ALTER TABLE cameras ADD COLUMN public_id text NOT NULL DEFAULT porchlight_public_id('ca')
  CHECK (public_id ~ '^ca_[A-Za-z0-9_-]{22}$');
CREATE UNIQUE INDEX cameras_public_id_key ON cameras (public_id);

ALTER TABLE clips ADD COLUMN public_id text NOT NULL DEFAULT porchlight_public_id('cl')
  CHECK (public_id ~ '^cl_[A-Za-z0-9_-]{22}$');
CREATE UNIQUE INDEX clips_public_id_key ON clips (public_id);

ALTER TABLE devices ADD COLUMN public_id text NOT NULL DEFAULT porchlight_public_id('dv')
  CHECK (public_id ~ '^dv_[A-Za-z0-9_-]{22}$');
CREATE UNIQUE INDEX devices_public_id_key ON devices (public_id);
`;
