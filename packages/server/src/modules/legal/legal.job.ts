import type { JobDefinition } from '../../infra/jobs/index.js';
import type { LegalService } from './legal.service.js';

/** The job kind enqueued, in the transaction that sets it, for the moment an owner's notice is due. */
export const LEGAL_NOTICE_JOB = 'legal.notice';

/**
 * Sends due owner notices ({@link LegalService.sendDueNotices}): when a notice's job comes due, and every 15
 * minutes as a safety net. A notice is due until it is marked sent, and demands are claimed with SKIP LOCKED, so
 * running it twice or in several processes sends each notice once.
 */
export function legalNoticeJob(legal: LegalService): JobDefinition {
  return {
    kind: LEGAL_NOTICE_JOB,
    title: 'legal demand notices sent',
    every: 15 * 60_000,
    run: async () => ({ sent: await legal.sendDueNotices() }),
  };
}
