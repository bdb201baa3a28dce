import type { JobDefinition } from '../../infra/jobs/index.js';
import type { ClipsService } from './clips.service.js';

/** Deletes expired clips and abandoned uploads every `everyMs` (`PORCHLIGHT_RETENTION_INTERVAL_MS`). */
export function vaultRetentionJob(clips: ClipsService, everyMs: number): JobDefinition {
  return {
    kind: 'vault.retention',
    title: 'vault retention',
    every: everyMs,
    run: async (_payload, log) => ({ ...(await clips.runRetention(log)) }),
  };
}
