export default /* sql */ `
-- Footage requests (issue 8). An accepted request is immutable apart from its lifecycle columns (status,
-- closing, the exigent justification); ids are opaque ("rq_" + 22 base64url characters) so the URL of one
-- request says nothing about how many others exist.
CREATE TABLE footage_requests (
  id                      text PRIMARY KEY CHECK (id ~ '^rq_[A-Za-z0-9_-]{22}$'),
  agency_id               bigint NOT NULL REFERENCES agencies (id),
  jurisdiction            text NOT NULL REFERENCES jurisdictions (slug),
  policy_version          integer NOT NULL,
  policy_sha256           text NOT NULL CHECK (policy_sha256 ~ '^[0-9a-f]{64}$'),
  -- The member who filed it: shown to nobody outside the agency and never logged.
  created_by              bigint NOT NULL REFERENCES users (id),
  case_number             text NOT NULL,
  offense_category        text NOT NULL,
  legal_basis             text NOT NULL,
  investigator_name       text NOT NULL,
  investigator_contact    text NOT NULL,
  narrative               text NOT NULL,
  -- The exact polygon: used to match cameras and shown to the filing agency. The public sees only cells.
  area                    jsonb NOT NULL,
  area_m2                 double precision NOT NULL CHECK (area_m2 > 0),
  -- H3 resolution-8 cells covering the area, sorted: the public (and logged) form of the area.
  cells                   text[] NOT NULL,
  window_start            timestamptz NOT NULL,
  window_end              timestamptz NOT NULL CHECK (window_end > window_start),
  response_deadline       timestamptz NOT NULL,
  exigent                 boolean NOT NULL,
  justification_due       timestamptz,
  justification           text,
  justified_at            timestamptz,
  justification_missed_at timestamptz,
  status                  text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'expired')),
  closed_reason           text,
  closed_at               timestamptz,
  -- The outbox event that published it; its log index is found through log_entries once sequenced.
  published_event_id      bigint NOT NULL REFERENCES events (id),
  created_at              timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'open') = (closed_at IS NULL)),
  CHECK (NOT exigent OR justification_due IS NOT NULL)
);
CREATE INDEX footage_requests_list_idx ON footage_requests (created_at DESC, id DESC);
CREATE INDEX footage_requests_agency_idx ON footage_requests (agency_id, created_at DESC, id DESC);
CREATE INDEX footage_requests_case_idx ON footage_requests (agency_id, case_number);
CREATE INDEX footage_requests_open_idx ON footage_requests (response_deadline) WHERE status = 'open';
CREATE INDEX footage_requests_justification_idx ON footage_requests (justification_due)
  WHERE exigent AND justification IS NULL AND justification_missed_at IS NULL;

-- Which camera of which owner a request reached (G7). Read only by that owner; no role can list another's.
-- Deleted outright when the owner dismisses the request or when the request closes or expires, so neither a
-- decline nor a match survives anywhere an agency, moderator or admin could read it.
CREATE TABLE request_matches (
  request_id text NOT NULL REFERENCES footage_requests (id) ON DELETE CASCADE,
  camera_id  bigint NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
  owner_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (request_id, camera_id)
);
CREATE INDEX request_matches_owner_idx ON request_matches (owner_id, request_id);

-- Candidate cameras for matching, by their resolution-9 cell (the cameras module keeps it with the exact
-- point). A request's H3 cover selects candidates by this index; the exact point-in-polygon test follows.
CREATE INDEX cameras_match_idx ON cameras (cell) WHERE accept_agency_requests;
`;
