import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/infra/db/migrations/index.js';
import { migrate } from '../src/infra/db/migrate.js';
import { openPostgres } from '../src/infra/db/postgres.js';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from './support/database.js';

// Several API processes started together on an empty PostgreSQL database all migrate at once (CI saw one of two
// exit with "duplicate key value violates unique constraint pg_type_typname_nsp_index").
describe.runIf(testDatabaseKind() === 'postgres')('migrating from several processes at once', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres', { migrated: false });
  });
  afterAll(async () => t.drop());

  it('lets every process start on an empty database, and applies each migration once', async () => {
    const pools = Array.from({ length: 6 }, () => openPostgres(t.url!));
    try {
      const results = await Promise.allSettled(pools.map((db) => migrate(db)));
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
      expect(failures).toEqual([]);
      const applied = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
      expect(applied.sort((a, b) => a - b)).toEqual(MIGRATIONS.map((m) => m.id).sort((a, b) => a - b));
      const rows = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations');
      expect(Number(rows.rows[0]!.n)).toBe(MIGRATIONS.length);
    } finally {
      await Promise.all(pools.map((db) => db.close()));
    }
  });
});
