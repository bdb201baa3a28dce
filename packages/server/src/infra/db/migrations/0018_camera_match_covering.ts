export default /* sql */ `
-- Footage-request matching reads its candidates from the index alone (issue 8 §5, bench/request-matching.ts):
-- the partial index on cameras.cell now carries what the exact point-in-polygon test needs (id, owner, point),
-- so PostgreSQL answers with an index-only scan instead of ~1,000 random heap reads per request.
CREATE INDEX cameras_match_covering_idx ON cameras (cell) INCLUDE (id, owner_id, lat, lng)
  WHERE accept_agency_requests;
DROP INDEX cameras_match_idx;
`;
