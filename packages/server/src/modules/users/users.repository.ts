import type { Queryable } from '../../infra/db/index.js';
import type { Role } from '../../policies.js';

export interface UserRow {
  id: number;
  email: string;
  display_name: string;
  password_hash: string;
  role: Role;
  home_lat: number | null;
  home_lng: number | null;
  home_cell: string | null;
  radius_m: number;
  created_at: Date;
}

export async function insertUser(
  db: Queryable,
  u: { email: string; displayName: string; passwordHash: string; role?: Role },
): Promise<UserRow | undefined> {
  const res = await db.query<UserRow>(
    `INSERT INTO users (email, display_name, password_hash, role) VALUES ($1, $2, $3, $4)
     ON CONFLICT ((lower(email))) DO NOTHING RETURNING *`,
    [u.email, u.displayName, u.passwordHash, u.role ?? 'resident'],
  );
  return res.rows[0];
}

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
  const res = await db.query<UserRow>('SELECT * FROM users WHERE lower(email) = lower($1)', [email]);
  return res.rows[0];
}

export async function findUserById(db: Queryable, id: number): Promise<UserRow | undefined> {
  const res = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
  return res.rows[0];
}

export async function updateHome(
  db: Queryable,
  id: number,
  home: { lat: number; lng: number; cell: string; radiusM: number },
): Promise<UserRow> {
  const res = await db.query<UserRow>(
    `UPDATE users SET home_lat = $2, home_lng = $3, home_cell = $4, radius_m = $5 WHERE id = $1 RETURNING *`,
    [id, home.lat, home.lng, home.cell, home.radiusM],
  );
  return res.rows[0]!;
}

export async function updateRole(db: Queryable, id: number, role: Role): Promise<UserRow | undefined> {
  const res = await db.query<UserRow>('UPDATE users SET role = $2 WHERE id = $1 RETURNING *', [id, role]);
  return res.rows[0];
}

export async function listUsers(
  db: Queryable,
  opts: { query?: string; limit: number; afterId?: number },
): Promise<UserRow[]> {
  const res = await db.query<UserRow>(
    `SELECT * FROM users
     WHERE ($1::text IS NULL OR lower(email) LIKE '%' || lower($1) || '%' OR lower(display_name) LIKE '%' || lower($1) || '%')
       AND ($2::bigint IS NULL OR id > $2)
     ORDER BY id LIMIT $3`,
    [opts.query ?? null, opts.afterId ?? null, opts.limit],
  );
  return res.rows;
}
