import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Database } from '../../packages/server/src/infra/db/index.js';
import { openPglite } from '../../packages/server/src/infra/db/pglite.js';
import { openPostgres } from '../../packages/server/src/infra/db/postgres.js';

/** Runs `fn` on a fresh PGlite database in a temporary directory, removed afterwards. */
export async function withPglite<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-bench-'));
  const db = await openPglite(dir);
  try {
    return await fn(db);
  } finally {
    await db.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Runs `fn` on a scratch database created on the PostgreSQL server at `TEST_DATABASE_URL`, dropped afterwards. */
export async function withScratchPostgres<T>(
  options: { max?: number },
  fn: (db: Database) => Promise<T>,
): Promise<T> {
  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `porchlight_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = openPostgres(url.toString(), options);
  try {
    return await fn(db);
  } finally {
    await db.close();
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
}
