import type { Mail } from '../mail/mail.service.js';
import type { BystanderOutcome } from './bystander.repository.js';

const SAID: Record<BystanderOutcome, string> = {
  blurred: 'The owner blurred the part of the video you described and shared the redacted copy instead.',
  removed: 'The video has been removed from the post.',
  declined: 'The owner declined your request.',
};

/** The one mail a requester receives: the answer. It names no one and links nowhere. */
export function answerMail(
  to: string,
  a: { outcome: BystanderOutcome; reason: string | null; byModerator: boolean },
): Mail {
  return {
    to,
    subject: 'Your request about a Porchlight video post was answered',
    text: [
      'You asked to be blurred in, or removed from, a video posted on Porchlight.',
      '',
      SAID[a.outcome],
      ...(a.reason ? ['', `Reason given: ${a.reason}`] : []),
      ...(a.byModerator
        ? ['', 'A moderator answered, because the owner had not answered within 7 days.']
        : []),
      '',
      'Your email address has now been deleted from Porchlight; this is the only mail you will get about it.',
    ].join('\n'),
  };
}
