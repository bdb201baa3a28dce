import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config.js';
import type { Database } from './database.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

export type { Database, Queryable, QueryResult } from './database.js';
export { inTransaction } from './database.js';
export { migrate } from './migrate.js';

/** Opens the configured database: PostgreSQL when `DATABASE_URL` is set, else PGlite under the data dir. */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Database> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  const dir = path.join(config.dataDir, 'pglite');
  await fs.mkdir(dir, { recursive: true });
  return openPglite(dir);
}
