import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startSmtpServer,
  type ReceivedMail,
  type SmtpTestServer,
} from '../packages/server/test/support/smtp.js';
import { openBrowser, type Person } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

/*
 * A resident signs up in one browser and confirms the address from the mail; in a second browser they forget
 * the password, ask for a reset link, follow it from the mail the real local SMTP server received, set a new
 * password and sign in with it — and the first browser's session is gone.
 */
describe('email verification and password reset, end to end', () => {
  let server: RunningServer | undefined;
  let smtp: SmtpTestServer | undefined;
  const people: Person[] = [];
  const previousSmtpUrl = process.env.SMTP_URL;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    process.env.SMTP_URL = smtp.url;
    server = await startServer(150_000);
    people.push(...(await Promise.all([openBrowser(), openBrowser()])));
  }, 200_000);

  afterAll(async () => {
    await Promise.allSettled(people.map((p) => p.close()));
    await server?.stop();
    await smtp?.close();
    if (previousSmtpUrl === undefined) delete process.env.SMTP_URL;
    else process.env.SMTP_URL = previousSmtpUrl;
  }, 30_000);

  const link = (mail: ReceivedMail, page: string): string => {
    const m = new RegExp(`${server!.url}/${page}#token=[A-Za-z0-9_-]{43}`).exec(mail.text);
    if (!m) throw new Error(`no ${page} link in the mail: ${mail.text}`);
    return m[0];
  };

  it('confirms the address, resets a forgotten password by mail and ends the old session', async () => {
    const [laptop, phone] = people as [Person, Person];
    const url = server!.url;
    const email = `rosa-${Date.now().toString(36)}@example.test`;

    // Sign up on the laptop: a banner asks to confirm the address, and the mail arrives.
    await laptop.page.goto(`${url}/signup`);
    await laptop.page.getByLabel('Display name').fill('Rosa');
    await laptop.page.getByLabel('Email').fill(email);
    await laptop.page.getByLabel('Password').fill('first password 1');
    await laptop.page.getByRole('button', { name: 'Create account' }).click();
    const banner = laptop.page.getByRole('region', { name: 'Confirm your email' });
    await banner.waitFor();
    const welcome = await smtp!.waitFor((m) => m.to.includes(email) && /Confirm/.test(m.subject));
    await laptop.page.goto(link(welcome, 'verify-email'));
    await laptop.page.getByText(`${email} is confirmed`).waitFor();
    await laptop.page.goto(`${url}/account`);
    await laptop.page.getByText('confirmed', { exact: true }).waitFor();
    expect(await banner.count()).toBe(0);

    // On the phone, the password is forgotten.
    await phone.page.goto(`${url}/signin`);
    await phone.page.getByRole('link', { name: 'Forgot password?' }).click();
    await phone.page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await phone.page.getByLabel('Email').fill(email);
    await phone.page.getByRole('button', { name: 'Send me a link' }).click();
    await phone.page.getByRole('heading', { name: 'Check your email' }).waitFor();

    const reset = await smtp!.waitFor(
      (m) => m.to.includes(email) && /Reset your Porchlight password/.test(m.subject),
    );
    await phone.page.goto(link(reset, 'reset-password'));
    await phone.page.getByLabel('New password').fill('second password 2');
    await phone.page.getByRole('button', { name: 'Set new password' }).click();
    await phone.page
      .getByRole('heading', { name: 'Password changed' })
      .waitFor()
      .catch(async (e: unknown) => {
        console.log('DEBUG', phone.page.url(), await phone.page.locator('body').innerText());
        throw e;
      });
    // The used token does not stay in the address bar.
    expect(phone.page.url()).toBe(`${url}/reset-password`);

    await phone.page.getByRole('link', { name: 'Sign in' }).click();
    await phone.page.getByLabel('Email').fill(email);
    await phone.page.getByLabel('Password').fill('second password 2');
    await phone.page.getByRole('button', { name: 'Sign in' }).click();
    await phone.page.getByRole('button', { name: /^Account: / }).waitFor();

    // The laptop's session ended with the reset: the next page load is signed out.
    await laptop.page.goto(`${url}/account`);
    await laptop.page.waitForURL(/\/signin/);
    await laptop.page.getByRole('heading', { name: 'Sign in' }).waitFor();

    // The old password no longer works; the phone sees one session (its own) on the sessions page.
    await phone.page.goto(`${url}/account/sessions`);
    await phone.page.getByRole('heading', { name: 'Sessions and hubs' }).waitFor();
    const list = phone.page.getByRole('region', { name: 'Signed-in browsers' }).getByRole('listitem');
    await expect.poll(() => list.count()).toBe(1);
    await list.getByText('this browser').waitFor();
    await laptop.page.getByLabel('Email').fill(email);
    await laptop.page.getByLabel('Password').fill('first password 1');
    await laptop.page.getByRole('button', { name: 'Sign in' }).click();
    await laptop.page.getByRole('alert').waitFor();

    expect([...laptop.errors, ...phone.errors]).toEqual([]);
  });
});
