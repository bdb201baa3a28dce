import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, testClock, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { HOME, makePost, makeUser, offsetMeters } from './support/factories.js';
import { startPushService, type PushTestService, type TestSubscription } from './support/push.js';
import { startSmtpServer, type ReceivedMail, type SmtpTestServer } from './support/smtp.js';

// The settings page promises: alerts "From your home" within the radius, and "No push or email during quiet
// hours; what arrives meanwhile comes as one summary after", with times in the account's own time zone.

interface PushPayload {
  title: string;
  body: string;
  url: string;
}

let t: TestApp;
let smtp: SmtpTestServer;
let pushService: PushTestService;
const clock = testClock(new Date('2026-12-03T12:00:00Z'));

beforeAll(async () => {
  smtp = await startSmtpServer();
  pushService = await startPushService();
  t = await startTestApp({
    clock,
    env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://porchlight.test', PUSH_ALLOW_PRIVATE_ENDPOINTS: 'true' },
  });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
  await pushService.close();
});

const runJobs = () => t.services.jobs.runDue(t.app.log);

/** Push and instant email for crime and safety within 800 m; quiet 22:00–07:00 in Portland's own zone. */
async function nightOwl(home: { lat: number; lng: number }) {
  const user = await makeUser(t, { home });
  const res = await user.raw('PUT', '/api/alerts/settings', {
    categories: ['crime', 'safety'],
    radiusM: 800,
    quietHours: { start: '22:00', end: '07:00' },
    timeZone: 'America/Los_Angeles',
    channels: { inApp: true, push: true, email: 'instant' },
  });
  expect(res.statusCode, res.body).toBe(200);
  const sub = pushService.subscribe();
  expect((await user.raw('POST', '/api/push/subscriptions', { ...sub, label: 'Phone' })).statusCode).toBe(
    201,
  );
  const address = (await user.raw('GET', '/api/session')).json<{ user: { email: string } }>().user.email;
  return { user, sub, address };
}

const pushesTo = (sub: TestSubscription) =>
  pushService.received
    .filter((p) => sub.endpoint.endsWith(p.subscription))
    .map((p) => p.message as PushPayload);
const alertTo = (address: string) => (m: ReceivedMail) =>
  m.to.includes(address) && !/confirm/i.test(m.subject);
const mailsTo = (address: string) => smtp.messages.filter(alertTo(address));

async function postAt(author: TestUser, title: string, location: { lat: number; lng: number }) {
  await makePost(author, { category: 'crime', title, location });
}

describe('alert radius', () => {
  it('pushes and mails a post inside the radius from home at once, and nothing of one outside it', async () => {
    // 19:00 in Portland: not quiet there, though 03:00 UTC would be inside 22:00–07:00 UTC.
    clock.set(new Date('2026-12-04T03:00:00Z'));
    try {
      const home = offsetMeters(HOME, 12_000, 0);
      const { sub, address } = await nightOwl(home);
      const poster = await makeUser(t, { home });
      await postAt(poster, 'Porch pirate on Elm', offsetMeters(home, 500, 0));
      await postAt(poster, 'Stolen bike two districts over', offsetMeters(home, 0, 2500));
      await runJobs();

      const mail = await smtp.waitFor(alertTo(address));
      expect(mail.subject).toBe('Crime near you');
      expect(mail.text).toContain('Porch pirate on Elm');
      expect(pushesTo(sub).map((p) => p.body)).toEqual(['Porch pirate on Elm']);
      expect(mailsTo(address)).toHaveLength(1);
      expect(smtp.messages.some((m) => m.text.includes('Stolen bike'))).toBe(false);
    } finally {
      clock.set(new Date('2026-12-03T12:00:00Z'));
    }
  });
});

describe('quiet hours in the account’s time zone', () => {
  it('hold push and instant email, then send one summary of what is near, at 07:00 local', async () => {
    // 23:00 in Portland (07:00 UTC, when quiet hours in UTC would already be over).
    clock.set(new Date('2026-12-04T07:00:00Z'));
    try {
      const home = offsetMeters(HOME, -12_000, 0);
      const { user, sub, address } = await nightOwl(home);
      const poster = await makeUser(t, { home });
      const muted = await makeUser(t, { home });
      const blocker = await makeUser(t, { home });
      expect((await user.raw('PUT', `/api/me/mutes/${muted.id}`)).statusCode).toBe(204);
      expect((await blocker.raw('PUT', `/api/me/blocks/${user.id}`)).statusCode).toBe(204);

      await postAt(poster, 'Glass smashed on Pine', offsetMeters(home, -400, 300));
      await postAt(poster, 'Sirens by the river', offsetMeters(home, 0, -2500));
      await postAt(muted, 'Muted neighbour’s post', offsetMeters(home, 200, 0));
      await postAt(blocker, 'Post by someone who blocked me', offsetMeters(home, 0, 200));
      await runJobs();
      expect(pushesTo(sub)).toEqual([]);
      expect(mailsTo(address)).toEqual([]);

      // 06:30 in Portland: still quiet.
      clock.set(new Date('2026-12-04T14:30:00Z'));
      await runJobs();
      expect(pushesTo(sub)).toEqual([]);
      expect(mailsTo(address)).toEqual([]);

      // 07:00 in Portland: quiet hours are over.
      clock.set(new Date('2026-12-04T15:00:30Z'));
      await runJobs();
      const digest = await smtp.waitFor(alertTo(address));
      expect(digest.subject).toBe('Porchlight digest: 1 alert');
      expect(digest.text).toContain('Glass smashed on Pine');
      for (const unwanted of ['Sirens by the river', 'Muted neighbour', 'blocked me'])
        expect(digest.text).not.toContain(unwanted);
      expect(pushesTo(sub)).toEqual([
        {
          title: 'While you were away: 1 alert',
          body: 'Glass smashed on Pine',
          url: '/notifications',
          tag: 'digest',
        },
      ]);

      await runJobs();
      expect(mailsTo(address)).toHaveLength(1);
      expect(pushesTo(sub)).toHaveLength(1);
    } finally {
      clock.set(new Date('2026-12-03T12:00:00Z'));
    }
  });
});
