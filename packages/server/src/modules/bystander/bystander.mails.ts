import type { Mail } from '../mail/mail.service.js';
import type { BystanderOutcome } from './bystander.repository.js';

const SAID: Record<BystanderOutcome, string> = {
  blurred: 'The owner blurred the part of the video you described and shared the redacted copy instead.',
  removed: 'The video has been removed from the post.',
  declined: 'The owner declined your request.',
};

/** The link that sends the request on: nothing reaches the owner until the requester opens it. */
export function confirmMail(to: string, link: string, hours: number): Mail {
  return {
    to,
    subject: 'Confirm your request about a Porchlight video post',
    text: [
      'Someone (hopefully you) asked, with this address, to be blurred in or removed from a video posted on',
      'Porchlight.',
      '',
      `Send the request to the person who posted it by opening this link within ${hours} hours:`,
      link,
      '',
      'They never see your address. If this was not you, ignore this mail: the request and your address are',
      'deleted after that time.',
    ].join('\n'),
  };
}

/** The mail with the answer. It names no one and links nowhere. */
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
      'Your email address has now been deleted from Porchlight; this is the last mail you will get about it.',
    ].join('\n'),
  };
}
