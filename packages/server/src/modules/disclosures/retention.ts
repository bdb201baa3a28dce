import type { JobDefinition } from '../../infra/jobs/index.js';
import type { DisclosuresService } from './disclosures.service.js';

/** The job kind enqueued, in the transaction that sets it, for the moment a disclosure expires. */
export const DISCLOSURE_EXPIRY_JOB = 'disclosure.retention';

/**
 * Deletes expired disclosures (unless held) and abandoned disclosure uploads, and logs it: when a disclosure's
 * expiry job comes due, and every `everyMs` as a safety net. Rows are claimed with SKIP LOCKED, so it may run
 * twice or in several processes.
 */
export function disclosureRetentionJob(disclosures: DisclosuresService, everyMs: number): JobDefinition {
  return {
    kind: DISCLOSURE_EXPIRY_JOB,
    title: 'disclosure retention',
    every: everyMs,
    run: async (_payload, log) => ({ ...(await disclosures.runRetention(log)) }),
  };
}
