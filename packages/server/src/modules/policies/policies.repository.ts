import type { Boundary, RequestPolicy } from '@porchlight/policy';
import type { Queryable } from '../../infra/db/index.js';

export interface JurisdictionRow {
  slug: string;
  name: string;
  current_version: number;
}

export interface PolicyVersionRow {
  jurisdiction: string;
  version: number;
  name: string;
  policy: RequestPolicy;
  sha256: string;
  /** The jurisdiction's boundary published with this version (v2); null for v1 versions. */
  boundary: Boundary | null;
  boundary_sha256: string | null;
  reason: string;
  published_by: number;
  published_at: Date;
}

/** A version to append; a v1 version has no boundary. */
export type NewPolicyVersion = Omit<PolicyVersionRow, 'published_at' | 'boundary' | 'boundary_sha256'> & {
  boundary?: Boundary | null;
  boundary_sha256?: string | null;
};

/**
 * The jurisdiction, locked for the rest of `tx` so two admins publishing at once get consecutive versions. An
 * advisory lock on the slug rather than a row lock, because a jurisdiction's first version has no row to lock.
 */
export async function lockJurisdiction(tx: Queryable, slug: string): Promise<JurisdictionRow | undefined> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('porchlight.jurisdiction:' || $1))`, [slug]);
  const res = await tx.query<JurisdictionRow>(
    'SELECT slug, name, current_version FROM jurisdictions WHERE slug = $1 FOR UPDATE',
    [slug],
  );
  return res.rows[0];
}

/** Which of `slugs` name existing jurisdictions. */
export async function existingJurisdictions(q: Queryable, slugs: readonly string[]): Promise<Set<string>> {
  const res = await q.query<{ slug: string }>('SELECT slug FROM jurisdictions WHERE slug = ANY($1::text[])', [
    slugs,
  ]);
  return new Set(res.rows.map((r) => r.slug));
}

/** Records a new current version: creates the jurisdiction on its first version, moves it on after. */
export async function upsertJurisdiction(
  tx: Queryable,
  j: { slug: string; name: string; version: number },
): Promise<void> {
  await tx.query(
    `INSERT INTO jurisdictions (slug, name, current_version) VALUES ($1, $2, $3)
     ON CONFLICT (slug) DO UPDATE SET name = excluded.name, current_version = excluded.current_version`,
    [j.slug, j.name, j.version],
  );
}

export async function insertPolicyVersion(tx: Queryable, v: NewPolicyVersion): Promise<PolicyVersionRow> {
  const res = await tx.query<PolicyVersionRow>(
    `INSERT INTO policy_versions
       (jurisdiction, version, name, policy, sha256, boundary, boundary_sha256, reason, published_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [
      v.jurisdiction,
      v.version,
      v.name,
      JSON.stringify(v.policy),
      v.sha256,
      v.boundary ? JSON.stringify(v.boundary) : null,
      v.boundary_sha256 ?? null,
      v.reason,
      v.published_by,
    ],
  );
  return res.rows[0]!;
}

/** Every jurisdiction with its current version, by name. */
export async function listCurrent(q: Queryable): Promise<PolicyVersionRow[]> {
  const res = await q.query<PolicyVersionRow>(
    `SELECT v.* FROM jurisdictions j
       JOIN policy_versions v ON v.jurisdiction = j.slug AND v.version = j.current_version
      ORDER BY lower(j.name), j.slug`,
  );
  return res.rows;
}

/** One version of a jurisdiction's policy; the current one when `version` is undefined. */
export async function findVersion(
  q: Queryable,
  slug: string,
  version: number | undefined,
): Promise<PolicyVersionRow | undefined> {
  const res = await q.query<PolicyVersionRow>(
    `SELECT v.* FROM policy_versions v JOIN jurisdictions j ON j.slug = v.jurisdiction
      WHERE v.jurisdiction = $1 AND v.version = coalesce($2::int, j.current_version)`,
    [slug, version ?? null],
  );
  return res.rows[0];
}

/** Every version of a jurisdiction's policy, newest first. */
export async function listVersions(q: Queryable, slug: string): Promise<PolicyVersionRow[]> {
  const res = await q.query<PolicyVersionRow>(
    'SELECT * FROM policy_versions WHERE jurisdiction = $1 ORDER BY version DESC',
    [slug],
  );
  return res.rows;
}

/** A published boundary by the SHA-256 of its canonical JSON (content-addressed: any version that has it). */
export async function findBoundary(q: Queryable, sha256: string): Promise<Boundary | undefined> {
  const res = await q.query<{ boundary: Boundary }>(
    'SELECT boundary FROM policy_versions WHERE boundary_sha256 = $1 LIMIT 1',
    [sha256],
  );
  return res.rows[0]?.boundary;
}
