import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, testClock, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { makeUser, PASSWORD } from './support/factories.js';
import { startSmtpServer, type ReceivedMail, type SmtpTestServer } from './support/smtp.js';

let smtp: SmtpTestServer;
let t: TestApp;
const clock = testClock();

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://porch.example' }, clock });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

let ipCounter = 0;
/** A fresh client address, so each test has its own per-IP allowance. */
const freshIp = () => `198.51.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

/** An anonymous browser asking for a reset link, from `ip`. */
async function requestReset(email: string, ip = freshIp()) {
  const anon = await new TestUser(t.app).begin();
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/password-reset',
    remoteAddress: ip,
    headers: {
      cookie: `pl_csrf=${anon.csrf}`,
      'x-csrf-token': anon.csrf!,
      'content-type': 'application/json',
    },
    payload: JSON.stringify({ email }),
  });
}

async function confirmReset(token: string, password: string) {
  const anon = await new TestUser(t.app).begin();
  return anon.raw('POST', '/api/auth/password-reset/confirm', { token, password });
}

const linkToken = (mail: ReceivedMail, page: string): string => {
  const m = new RegExp(`https://porch\\.example/${page}#token=([A-Za-z0-9_-]{43})`).exec(mail.text);
  if (!m) throw new Error(`no ${page} link in: ${mail.text}`);
  return m[1]!;
};

async function emailOf(u: TestUser): Promise<string> {
  const res = await u.raw('GET', '/api/account');
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ email: string }>().email;
}

async function signIn(email: string, password: string) {
  const u = await new TestUser(t.app).begin();
  const res = await u.raw('POST', '/api/auth/signin', { email, password });
  return { u, status: res.statusCode };
}

const mailTo = (email: string, subject: RegExp) => (m: ReceivedMail) =>
  m.to.includes(email) && subject.test(m.subject);

describe('password reset by email', () => {
  it('mails a single-use link that sets a new password and ends every session', async () => {
    const owner = await makeUser(t);
    const email = await emailOf(owner);
    const other = await signIn(email, PASSWORD);
    expect(other.status).toBe(200);

    const asked = await requestReset(email);
    expect(asked.statusCode).toBe(202);
    const mail = await smtp.waitFor(mailTo(email, /Reset your Porchlight password/));
    const token = linkToken(mail, 'reset-password');

    expect((await confirmReset(token, 'a brand new passphrase')).statusCode).toBe(204);
    // Both browsers that were signed in with the old password are signed out.
    for (const browser of [owner, other.u]) {
      const s = await browser.raw('GET', '/api/session');
      expect(s.json<{ user: unknown }>().user).toBeNull();
    }
    expect((await signIn(email, PASSWORD)).status).toBe(401);
    expect((await signIn(email, 'a brand new passphrase')).status).toBe(200);

    // The link works once.
    const again = await confirmReset(token, 'yet another passphrase');
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'link_invalid' });
    expect((await signIn(email, 'yet another passphrase')).status).toBe(401);
  });

  it('stores only a hash of the token', async () => {
    const owner = await makeUser(t);
    const email = await emailOf(owner);
    await requestReset(email);
    const token = linkToken(await smtp.waitFor(mailTo(email, /Reset/)), 'reset-password');
    const dump = await t.database.db.query<{ row: string }>(
      `SELECT to_jsonb(a)::text AS row FROM account_tokens a`,
    );
    expect(dump.rows.map((r) => r.row).join('\n')).not.toContain(token);
  });

  it('refuses a link after 30 minutes', async () => {
    const owner = await makeUser(t);
    const email = await emailOf(owner);
    await requestReset(email);
    const token = linkToken(await smtp.waitFor(mailTo(email, /Reset/)), 'reset-password');
    clock.advance(30 * 60_000 + 1000);
    const late = await confirmReset(token, 'a brand new passphrase');
    expect(late.statusCode).toBe(400);
    expect(late.json()).toMatchObject({ code: 'link_invalid' });
    expect((await signIn(email, PASSWORD)).status).toBe(200);
  });

  it('answers the same for an address with no account, and mails nobody', async () => {
    const owner = await makeUser(t);
    const email = await emailOf(owner);
    const known = await requestReset(email);
    const unknown = await requestReset(`nobody-${Date.now()}@example.test`);
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(unknown.body).toBe(known.body);
    await smtp.waitFor(mailTo(email, /Reset/));
    expect(smtp.messages.filter((m) => m.to.some((a) => a.startsWith('nobody-')))).toEqual([]);
  });

  it('limits requests per address (account or not) and per client IP', async () => {
    const stranger = `stranger-${Date.now()}@example.test`;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await requestReset(stranger)).statusCode);
    expect(statuses).toEqual([202, 202, 202, 429]);

    const ip = freshIp();
    const fromOneIp = [];
    for (let i = 0; i < 11; i++)
      fromOneIp.push((await requestReset(`x${i}-${Date.now()}@example.test`, ip)).statusCode);
    expect(fromOneIp.slice(0, 10).every((s) => s === 202)).toBe(true);
    expect(fromOneIp[10]).toBe(429);
  });

  it('names what is wrong with a bad token or a short password', async () => {
    const bad = await confirmReset('short', 'x');
    expect(bad.statusCode).toBe(400);
    const fields = bad.json<{ errors: { field: string }[] }>().errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['/body/token', '/body/password']));
  });
});

describe('email verification', () => {
  it('mails a link on sign-up that verifies the address once', async () => {
    const u = await makeUser(t);
    const email = await emailOf(u);
    expect((await u.raw('GET', '/api/account')).json()).toMatchObject({ email, emailVerified: false });
    const token = linkToken(await smtp.waitFor(mailTo(email, /Confirm your email/)), 'verify-email');

    // The link works in any browser, signed in or not.
    const anon = await new TestUser(t.app).begin();
    const ok = await anon.raw('POST', '/api/account/email/verify', { token });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ email });
    expect((await u.raw('GET', '/api/account')).json()).toMatchObject({ emailVerified: true });
    const twice = await anon.raw('POST', '/api/account/email/verify', { token });
    expect(twice.json()).toMatchObject({ code: 'link_invalid' });
  });

  it('sends the link again on request; the older link stops working', async () => {
    const u = await makeUser(t);
    const email = await emailOf(u);
    const first = linkToken(await smtp.waitFor(mailTo(email, /Confirm/)), 'verify-email');
    expect((await u.raw('POST', '/api/account/email/resend')).statusCode).toBe(204);
    const second = linkToken(
      await smtp.waitFor((m) => mailTo(email, /Confirm/)(m) && !m.text.includes(first)),
      'verify-email',
    );
    expect((await u.raw('POST', '/api/account/email/verify', { token: first })).statusCode).toBe(400);
    expect((await u.raw('POST', '/api/account/email/verify', { token: second })).statusCode).toBe(200);
  });
});
