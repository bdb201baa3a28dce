import type { JobDefinition } from '../../infra/jobs/index.js';
import type { BystanderService } from './bystander.service.js';

/** The job kind enqueued, in the transaction of an answer, to mail it to the requester. */
export const BYSTANDER_ANSWER_MAIL_JOB = 'bystander.answer_mail';

/**
 * Mails answers to bystander requests ({@link BystanderService.sendAnswerMails}): each answer's own job (enqueued
 * with the answer, retried with backoff while the mail server refuses), and every 15 minutes a sweep of answers
 * whose job gave up an hour or more ago. Each address is deleted once its mail is sent; a crash between the two
 * sends the answer again, never loses it.
 */
export function bystanderAnswerMailJob(bystander: BystanderService): JobDefinition {
  return {
    kind: BYSTANDER_ANSWER_MAIL_JOB,
    title: 'bystander answers mailed',
    every: 15 * 60_000,
    run: (payload) => {
      const request = (payload as { request?: unknown } | undefined)?.request;
      return bystander.sendAnswerMails(typeof request === 'number' ? request : undefined);
    },
  };
}
