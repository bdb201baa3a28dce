import type { Mail } from '../mail/mail.service.js';
import type { Alert } from './messages.js';
import type { RecipientRow } from './settings.repository.js';

export interface Digest {
  notifications: Alert[];
  posts: Alert[];
  /** Footage requests that reached the recipient's cameras: a count only, details stay in the inbox. */
  requests: number;
}

type Recipient = Pick<RecipientRow, 'email_address' | 'display_name' | 'unsubscribe_token'>;

/**
 * Every alert mail carries a one-click unsubscribe (RFC 8058): the `List-Unsubscribe` URL a mail client POSTs
 * to, and a link in the text to a page with one button. The token in both can only turn email off.
 */
function unsubscribe(publicUrl: string, r: Recipient) {
  const token = encodeURIComponent(r.unsubscribe_token);
  return {
    headers: {
      'List-Unsubscribe': `<${publicUrl}/api/alerts/unsubscribe?token=${token}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    footer: [
      '—',
      `Change what Porchlight sends you: ${publicUrl}/settings/alerts`,
      `Stop these emails: ${publicUrl}/unsubscribe?token=${token}`,
    ].join('\n'),
  };
}

const line = (publicUrl: string, a: Alert) =>
  `• ${a.title}${a.body ? ` — ${a.body}` : ''}\n  ${publicUrl}${a.url}`;

/** One alert, mailed as it happens. */
export function alertMail(publicUrl: string, r: Recipient, alert: Alert): Mail {
  const u = unsubscribe(publicUrl, r);
  return {
    to: r.email_address,
    subject: alert.title,
    text: [
      `Hello ${r.display_name},`,
      '',
      alert.title,
      alert.body,
      '',
      `${publicUrl}${alert.url}`,
      '',
      u.footer,
    ]
      .filter((l, i, all) => l !== '' || all[i - 1] !== '')
      .join('\n'),
    headers: u.headers,
  };
}

/** The daily digest, or what quiet hours held back. */
export function digestMail(publicUrl: string, r: Recipient, d: Digest): Mail {
  const u = unsubscribe(publicUrl, r);
  const total = d.notifications.length + d.posts.length + d.requests;
  const sections: string[] = [];
  if (d.notifications.length > 0)
    sections.push(['Your posts', ...d.notifications.map((a) => line(publicUrl, a))].join('\n'));
  if (d.posts.length > 0) sections.push(['Near you', ...d.posts.map((a) => line(publicUrl, a))].join('\n'));
  if (d.requests > 0)
    sections.push(
      [
        'Footage requests',
        `• ${d.requests} footage request${d.requests === 1 ? '' : 's'} reached your cameras. Nothing is shared unless you choose to.`,
        `  ${publicUrl}/inbox`,
      ].join('\n'),
    );
  return {
    to: r.email_address,
    subject: `Porchlight digest: ${total} alert${total === 1 ? '' : 's'}`,
    text: [`Hello ${r.display_name},`, ...sections, u.footer].join('\n\n'),
    headers: u.headers,
  };
}
