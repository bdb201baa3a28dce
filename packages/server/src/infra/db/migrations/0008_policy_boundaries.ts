export default /* sql */ `
-- Policy v2 (issue 8 §1): each policy version is published with its jurisdiction's boundary, a GeoJSON
-- Polygon or MultiPolygon (validated by @porchlight/policy before it is stored), and the SHA-256 of its
-- canonical JSON that the version's policy.changed log entry names. Versions stay append-only (0004's
-- trigger): a new boundary is a new version. v1 versions have neither.
ALTER TABLE policy_versions ADD COLUMN boundary jsonb;
ALTER TABLE policy_versions ADD COLUMN boundary_sha256 text;
ALTER TABLE policy_versions ADD CONSTRAINT policy_versions_boundary_hashed
  CHECK ((boundary IS NULL) = (boundary_sha256 IS NULL));
`;
