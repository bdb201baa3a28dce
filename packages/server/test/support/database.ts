import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { Database } from '../../src/infra/db/index.js';
import { migrate } from '../../src/infra/db/migrate.js';
import { openPglite } from '../../src/infra/db/pglite.js';
import { openPostgres } from '../../src/infra/db/postgres.js';
import { TEST_DATABASE_URL } from '../../../../test/prerequisites.js';

export type TestDatabaseKind = 'pglite' | 'postgres';

/** Which database this vitest project runs against (`api:pglite` or `api:postgres`). */
export const testDatabaseKind = (): TestDatabaseKind =>
  process.env.PORCHLIGHT_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

export interface TestDatabase {
  db: Database;
  kind: TestDatabaseKind;
  /** Connection string for PostgreSQL test databases (other processes can connect to it). */
  url: string | undefined;
  drop(): Promise<void>;
}

/**
 * A fresh database of the project's kind, private to the calling test file; migrated unless `migrated` is false
 * (PostgreSQL only: the PGlite copy comes from an already-migrated template).
 */
export async function createTestDatabase(
  kind: TestDatabaseKind = testDatabaseKind(),
  { migrated = true }: { migrated?: boolean } = {},
): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-test-'));
    await fs.cp(inject('pgliteTemplate'), dir, { recursive: true });
    const db = await openPglite(dir);
    return {
      db,
      kind,
      url: undefined,
      async drop() {
        await db.close();
        await fs.rm(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `porchlight_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const db = openPostgres(url.toString());
  if (migrated) await migrate(db);
  return {
    db,
    kind,
    url: url.toString(),
    async drop() {
      await db.close();
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
