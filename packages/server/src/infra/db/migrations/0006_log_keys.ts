export default /* sql */ `
-- With PORCHLIGHT_LOG_KEY_FILE the private key lives in a file and the database keeps only the public key;
-- a retired key's private half is erased, so a later database leak cannot sign in its name.
ALTER TABLE log_keys ALTER COLUMN skey DROP NOT NULL;
-- When the key stopped signing, and the size of the transition checkpoint (signed by it and its successor)
-- whose last entry is the log.key_rotated entry naming the successor.
ALTER TABLE log_keys ADD COLUMN retired_at timestamptz;
ALTER TABLE log_keys ADD COLUMN transition_size bigint CHECK (transition_size > 0);
ALTER TABLE log_keys ADD CONSTRAINT log_keys_retired_not_active CHECK (NOT (active AND retired_at IS NOT NULL));
ALTER TABLE log_keys ADD CONSTRAINT log_keys_retired_no_secret CHECK (retired_at IS NULL OR skey IS NULL);
`;
