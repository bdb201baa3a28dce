import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Deps } from '../../src/deps.js';
import { fsBlobStore, type BlobStore } from '../../src/infra/blob/index.js';
import type { Clock } from '../../src/infra/clock.js';
import { memoryBus, postgresBus, type LiveBus } from '../../src/infra/live/bus.js';
import type { App } from '../../src/http/types.js';
import type { Services } from '../../src/services.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestApp {
  app: App;
  services: Services;
  deps: Deps;
  database: TestDatabase;
  close(): Promise<void>;
}

/** The `/metrics` token test apps are configured with, and the header a scraper sends with it. */
export const METRICS_TOKEN = 'test-metrics-token-0123456789';
export const METRICS_AUTH = { authorization: `Bearer ${METRICS_TOKEN}` };

/** A settable clock for tests that move time (session expiry). */
export function testClock(start = new Date()): Clock & { set(d: Date): void; advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    set: (d) => (now = d),
    advance: (ms) => (now = new Date(now.getTime() + ms)),
  };
}

/**
 * Builds the real application on a fresh database of this project's kind, without listening on a socket.
 * `env` overrides configuration as an operator would.
 */
export async function startTestApp(
  options: {
    env?: Record<string, string>;
    clock?: Clock;
    database?: TestDatabase;
    live?: LiveBus;
    /** Clip storage; by default a filesystem store in a fresh temporary directory, removed on close. */
    blobs?: BlobStore;
  } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const config: Config = loadConfig({
    PORCHLIGHT_WEB_DIR: '/nonexistent',
    AUTH_RATE_LIMIT: '1000',
    PORCHLIGHT_METRICS_TOKEN: METRICS_TOKEN,
    // Fast wrapping for test keys (2^10); security-vault-keys.test.ts checks the production minimum, 2^18.
    PORCHLIGHT_VAULT_MIN_WORK_FACTOR: '10',
    ...options.env,
  });
  const live = options.live ?? (database.kind === 'postgres' ? await postgresBus(database.db) : memoryBus());
  const blobDir = options.blobs ? undefined : await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-blobs-'));
  const blobs = options.blobs ?? fsBlobStore(blobDir!);
  const deps: Deps = {
    config,
    db: database.db,
    live,
    clock: options.clock ?? { now: () => new Date() },
    blobs,
  };
  const { app, services } = await buildApp(deps, { logger: false });
  await app.ready();
  return {
    app,
    services,
    deps,
    database,
    async close() {
      await app.close();
      await live.close();
      if (!options.database) await database.drop();
      if (blobDir) await fs.rm(blobDir, { recursive: true, force: true });
    },
  };
}
