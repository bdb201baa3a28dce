import type { Config } from './config.js';
import type { BlobStore } from './infra/blob/index.js';
import type { Clock } from './infra/clock.js';
import type { Database } from './infra/db/index.js';
import type { LiveBus } from './infra/live/bus.js';

/** Infrastructure every service receives. Swappable in tests. */
export interface Deps {
  config: Config;
  db: Database;
  live: LiveBus;
  clock: Clock;
  /** Clip ciphertext storage; when absent, the configured one (`openBlobStore(config)`). */
  blobs?: BlobStore;
}
