export default /* sql */ `
-- A jurisdiction exists once its first request policy is published (G4).
CREATE TABLE jurisdictions (
  slug            text PRIMARY KEY CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 64),
  name            text NOT NULL,
  current_version integer NOT NULL CHECK (current_version >= 1),
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Every published version of every policy. Versions are appended, never edited: the log published each one,
-- so a changed row would contradict the log. The trigger below makes that hold for any SQL, not just ours.
CREATE TABLE policy_versions (
  jurisdiction text NOT NULL REFERENCES jurisdictions (slug),
  version      integer NOT NULL CHECK (version >= 1),
  name         text NOT NULL,
  policy       jsonb NOT NULL,
  sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  reason       text NOT NULL,
  published_by bigint NOT NULL REFERENCES users (id),
  published_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (jurisdiction, version)
);

CREATE FUNCTION policy_versions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'policy versions are append-only; publish a new version instead';
END;
$$;
CREATE TRIGGER policy_versions_append_only BEFORE UPDATE OR DELETE ON policy_versions
  FOR EACH ROW EXECUTE FUNCTION policy_versions_append_only();

CREATE TABLE agencies (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL,
  jurisdiction text NOT NULL REFERENCES jurisdictions (slug),
  -- The agency's official contact; shown to admins and the agency's own members, not published.
  contact      text NOT NULL,
  status       text NOT NULL DEFAULT 'verified' CHECK (status IN ('verified', 'suspended')),
  status_reason text NOT NULL,
  verified_by  bigint NOT NULL REFERENCES users (id),
  verified_at  timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX agencies_name_key ON agencies (jurisdiction, lower(name));

-- An account belongs to at most one agency. Member identities never leave the admin and agency views.
CREATE TABLE agency_members (
  user_id   bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  agency_id bigint NOT NULL REFERENCES agencies (id),
  added_by  bigint NOT NULL REFERENCES users (id),
  added_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agency_members_agency_idx ON agency_members (agency_id);
`;
