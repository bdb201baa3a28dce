import type { JobDefinition } from '../../infra/jobs/index.js';
import type { RequestsService } from './requests.service.js';

/** The job kind enqueued, in the transaction that publishes a request, for its deadlines. */
export const REQUEST_EXPIRY_JOB = 'request.expiry';

/**
 * Expires open requests past their response deadline and logs missed exigent justifications
 * ({@link RequestsService.runExpiry}): when a request's deadline job comes due, and every 15 minutes as a safety
 * net. Rows are claimed with SKIP LOCKED, so it may run twice or in several processes.
 */
export function requestExpiryJob(requests: RequestsService): JobDefinition {
  return {
    kind: REQUEST_EXPIRY_JOB,
    title: 'footage request expiry',
    every: 15 * 60_000,
    run: async () => ({ ...(await requests.runExpiry()) }),
  };
}
