import type { Mail } from '../mail/mail.service.js';

/** The mail with a link that proves the address belongs to the account holder. */
export function verificationMail(to: string, link: string, hours: number): Mail {
  return {
    to,
    subject: 'Confirm your email address for Porchlight',
    text: [
      'Someone (hopefully you) created a Porchlight account with this address.',
      '',
      `Confirm it by opening this link within ${hours} hours:`,
      link,
      '',
      'If this was not you, ignore this mail: nothing happens unless the link is opened.',
    ].join('\n'),
  };
}

/** The password-reset mail. The link holds a single-use token; only its hash is stored. */
export function resetMail(to: string, link: string, minutes: number): Mail {
  return {
    to,
    subject: 'Reset your Porchlight password',
    text: [
      'Someone asked to reset the password of the Porchlight account with this address.',
      '',
      `Choose a new password by opening this link within ${minutes} minutes (it works once):`,
      link,
      '',
      'Setting a new password signs you out everywhere else.',
      'If you did not ask for this, ignore this mail: your password stays as it is.',
    ].join('\n'),
  };
}
