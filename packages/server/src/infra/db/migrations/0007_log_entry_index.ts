export default /* sql */ `
-- The public list filters entries by type and time. Decoding every entry's JSON per request costs O(log size);
-- both are copied into columns when an entry is appended (and backfilled here from the entries' own bytes),
-- so a filter is an index range scan. The bytes stay the record: these columns only index them.
ALTER TABLE log_entries ADD COLUMN type text;
ALTER TABLE log_entries ADD COLUMN time timestamptz;
UPDATE log_entries SET type = convert_from(data, 'UTF8')::jsonb->>'type',
                       time = (convert_from(data, 'UTF8')::jsonb->>'time')::timestamptz;
ALTER TABLE log_entries ALTER COLUMN type SET NOT NULL;
ALTER TABLE log_entries ALTER COLUMN time SET NOT NULL;
-- type = $ ORDER BY index DESC (newest of a type first, cursor pages by index) walks this backwards.
CREATE INDEX log_entries_type_index ON log_entries (type, index);
-- Time ranges; the planner picks this or the primary key's newest-first walk by how wide the range is.
CREATE INDEX log_entries_time ON log_entries (time);

-- Entries per type over the whole log, updated in the statement that appends entries, which runs in the
-- transaction that signs the checkpoint covering them: totals always match the latest checkpoint's size.
CREATE TABLE log_entry_counts (
  type  text PRIMARY KEY,
  count bigint NOT NULL CHECK (count > 0)
);
INSERT INTO log_entry_counts (type, count) SELECT type, count(*) FROM log_entries GROUP BY type;
`;
