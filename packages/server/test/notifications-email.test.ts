import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, testClock, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { HOME, makePost, makeUser, offsetMeters } from './support/factories.js';
import { startSmtpServer, type ReceivedMail, type SmtpTestServer } from './support/smtp.js';

let t: TestApp;
let smtp: SmtpTestServer;
const clock = testClock(new Date('2026-12-03T12:00:00Z'));

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({
    clock,
    env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://porchlight.test' },
  });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const runJobs = () => t.services.jobs.runDue(t.app.log);

async function emailAlerts(user: TestUser, email: 'instant' | 'digest', categories: string[] = []) {
  const res = await user.raw('PUT', '/api/alerts/settings', {
    categories,
    radiusM: 1000,
    quietHours: null,
    timeZone: 'UTC',
    channels: { inApp: true, push: false, email },
  });
  expect(res.statusCode, res.body).toBe(200);
}

/** Alert mails to `address` (sign-up also sends a confirmation mail, which is not ours). */
const alertTo = (address: string) => (m: ReceivedMail) =>
  m.to.includes(address) && !/confirm/i.test(m.subject);
const mailsTo = (address: string) => smtp.messages.filter(alertTo(address));
const addressOf = async (user: TestUser) =>
  (await user.raw('GET', '/api/session')).json<{ user: { email: string } }>().user.email;

/** The one-click unsubscribe URL of a mail's List-Unsubscribe header. */
function oneClickUrl(mail: ReceivedMail): URL {
  // Unfolded: a long header field continues on lines that start with white space (RFC 5322).
  const m = /^List-Unsubscribe: ?<([^>]+)>/im.exec(mail.raw.replace(/\r?\n[ \t]+/g, ''));
  expect(m, 'List-Unsubscribe header').not.toBeNull();
  return new URL(m![1]!);
}

describe('instant email', () => {
  it('mails a reply as it happens, with a one-click unsubscribe that works without signing in', async () => {
    const author = await makeUser(t);
    const address = await addressOf(author);
    await emailAlerts(author, 'instant');
    const post = await makePost(author, { title: 'Hawk nesting in the oak' });
    const neighbour = await makeUser(t);
    expect(
      (await neighbour.raw('POST', `/api/posts/${post.id}/comments`, { body: 'Saw it too, beautiful bird.' }))
        .statusCode,
    ).toBe(201);
    await runJobs();

    const mail = await smtp.waitFor(alertTo(address));
    expect(mail.subject).toBe('New reply to “Hawk nesting in the oak”');
    expect(mail.text).toContain('Saw it too, beautiful bird.');
    expect(mail.text).toContain(`https://porchlight.test/posts/${post.id}`);
    expect(mail.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/im);
    const unsubscribe = oneClickUrl(mail);
    expect(unsubscribe.origin + unsubscribe.pathname).toBe('https://porchlight.test/api/alerts/unsubscribe');
    expect(mail.text).toContain(
      `https://porchlight.test/unsubscribe?token=${unsubscribe.searchParams.get('token')}`,
    );

    // What a mail client does for RFC 8058: a form POST, no cookies, no CSRF token.
    const res = await t.app.inject({
      method: 'POST',
      url: unsubscribe.pathname + unsubscribe.search,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ unsubscribed: true });
    const settings = await author.raw('GET', '/api/alerts/settings');
    expect(settings.json<{ channels: { email: string } }>().channels.email).toBe('off');

    await neighbour.raw('POST', `/api/posts/${post.id}/comments`, { body: 'It is back today.' });
    await runJobs();
    expect(mailsTo(address)).toHaveLength(1);
  });

  it('an unknown or malformed unsubscribe token is refused and changes nothing', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/alerts/unsubscribe?token=' + 'x'.repeat(32),
    });
    expect(bad.statusCode).toBe(404);
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/alerts/unsubscribe?token=%3Cscript%3E',
    });
    expect(malformed.statusCode).toBe(400);
  });
});

describe('daily digest', () => {
  it('holds alerts until 07:30 local time, then mails them in one digest', async () => {
    const elsewhere = offsetMeters(HOME, -7000, 0);
    const reader = await makeUser(t, { home: elsewhere });
    const address = await addressOf(reader);
    await emailAlerts(reader, 'digest', ['crime', 'safety']);
    const poster = await makeUser(t, { home: elsewhere });
    await makePost(poster, { category: 'crime', title: 'Catalytic converter theft' });
    await makePost(poster, { category: 'community', title: 'Choir practice' });
    const mine = await makePost(reader, { title: 'Fence repair' });
    await poster.raw('POST', `/api/posts/${mine.id}/comments`, {
      body: 'I can lend you a post-hole digger.',
    });
    await runJobs();
    expect(mailsTo(address)).toEqual([]);

    clock.set(new Date('2026-12-04T07:31:00Z'));
    try {
      await runJobs();
      const digest = await smtp.waitFor(alertTo(address));
      expect(digest.subject).toBe('Porchlight digest: 2 alerts');
      expect(digest.text).toContain('Catalytic converter theft');
      expect(digest.text).toContain('New reply to “Fence repair”');
      expect(digest.text).not.toContain('Choir practice');
      expect(digest.text).toContain('https://porchlight.test/unsubscribe?token=');
      expect(oneClickUrl(digest).pathname).toBe('/api/alerts/unsubscribe');
      await runJobs();
      expect(mailsTo(address)).toHaveLength(1);
    } finally {
      clock.set(new Date('2026-12-03T12:00:00Z'));
    }
  });
});
