import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startPushService,
  type PushTestService,
  type TestSubscription,
} from '../packages/server/test/support/push.js';
import { startSmtpServer, type SmtpTestServer } from '../packages/server/test/support/smtp.js';
import { openBrowser, signIn, type Person } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

/*
 * Alice turns on alerts in the settings page (crime posts, push on this device, instant email). Bob posts a
 * crime nearby: Alice's device gets the push — the local push service decrypts it with the subscription's key
 * — and the mail arrives at the local SMTP server. Bob then replies to Alice's post and a moderator hides it:
 * both reach Alice's bell and notification centre live, the decision with its reason and the appeal.
 */
describe('notifications, push and email, end to end', () => {
  let server: RunningServer | undefined;
  let smtp: SmtpTestServer | undefined;
  let push: PushTestService | undefined;
  const people: Person[] = [];
  const saved = { SMTP_URL: process.env.SMTP_URL, PUSH: process.env.PUSH_ALLOW_PRIVATE_ENDPOINTS };

  beforeAll(async () => {
    smtp = await startSmtpServer();
    push = await startPushService();
    process.env.SMTP_URL = smtp.url;
    // The local push service listens on 127.0.0.1, which the server refuses by default.
    process.env.PUSH_ALLOW_PRIVATE_ENDPOINTS = 'true';
    server = await startServer(150_000);
    people.push(...(await Promise.all([openBrowser(), openBrowser(), openBrowser()])));
  }, 200_000);

  afterAll(async () => {
    await Promise.allSettled(people.map((p) => p.close()));
    await server?.stop();
    await smtp?.close();
    await push?.close();
    if (saved.SMTP_URL === undefined) delete process.env.SMTP_URL;
    else process.env.SMTP_URL = saved.SMTP_URL;
    if (saved.PUSH === undefined) delete process.env.PUSH_ALLOW_PRIVATE_ENDPOINTS;
    else process.env.PUSH_ALLOW_PRIVATE_ENDPOINTS = saved.PUSH;
  }, 30_000);

  it('a nearby post reaches a subscribed device and the mailbox; a reply and a hide reach the bell live', async () => {
    const [alice, bob, mod] = people as [Person, Person, Person];
    const url = server!.url;
    await Promise.all([
      signIn(alice.page, url, 'alice@demo.porchlight'),
      signIn(bob.page, url, 'bob@demo.porchlight'),
      signIn(mod.page, url, 'mod@demo.porchlight'),
    ]);

    // Alice chooses what alerts her.
    await alice.context.grantPermissions(['notifications'], { origin: url });
    await alice.page.goto(`${url}/settings/alerts`);
    await alice.page.getByRole('heading', { name: 'Alert settings' }).waitFor();
    await alice.page.getByRole('checkbox', { name: 'Crime' }).check();
    await alice.page.getByRole('checkbox', { name: /Push to my devices/ }).check();
    await alice.page.getByRole('radio', { name: 'Each alert as it happens' }).check();
    await alice.page.getByRole('button', { name: 'Save alert settings' }).click();
    await alice.page.getByText('Alert settings saved.').waitFor({ state: 'attached' });

    // Headless Chromium has no push service to subscribe with (pushManager.subscribe fails without one), so the
    // button reports that, and the test registers a subscription the local push service made, through the API.
    await alice.page.getByRole('button', { name: 'Get push alerts on this device' }).click();
    await alice.page
      .getByRole('alert')
      .filter({ hasText: 'could not reach its push service' })
      .waitFor({ timeout: 30_000 });
    const subscription: TestSubscription = push!.subscribe();
    const status = await alice.page.evaluate(async (sub) => {
      const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
      const res = await fetch('/api/push/subscriptions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ ...sub, label: 'Test device' }),
      });
      return res.status;
    }, subscription);
    expect(status).toBe(201);
    await alice.page.reload();
    await alice.page.getByTestId('push-device').filter({ hasText: 'Test device' }).waitFor();

    // Bob posts a crime near Alice.
    const crime = `Bike stolen from the rack ${Date.now().toString(36)}`;
    await bob.page.getByRole('link', { name: 'New post' }).click();
    await bob.page.getByRole('radio', { name: 'Crime' }).check();
    await bob.page.getByLabel('Title').fill(crime);
    await bob.page
      .getByLabel('What happened?')
      .fill('Cut lock found on the ground outside the library this morning.');
    await bob.page.getByRole('button', { name: 'Post to neighbours' }).click();
    await bob.page.getByRole('article', { name: crime }).waitFor();

    const delivered = await push!.waitFor((p) => (p.message as { body?: string }).body === crime, 20_000);
    expect(delivered.message).toMatchObject({ title: 'Crime near you', body: crime });
    expect(delivered.body.includes(Buffer.from(crime))).toBe(false);
    const mail = await smtp!.waitFor((m) => m.subject === 'Crime near you' && m.text.includes(crime), 20_000);
    expect(mail.to).toEqual(['alice@demo.porchlight']);
    expect(mail.text).toContain(`${url}/unsubscribe?token=`);

    // Alice posts; Bob replies; Alice's bell counts it without a reload.
    const title = `Garden gate left open ${Date.now().toString(36)}`;
    await alice.page.goto(`${url}/new`);
    await alice.page.getByRole('radio', { name: 'Community' }).check();
    await alice.page.getByLabel('Title').fill(title);
    await alice.page
      .getByLabel('What happened?')
      .fill('Our side gate was open this morning; please close it if you pass.');
    await alice.page.getByRole('button', { name: 'Post to neighbours' }).click();
    const article = alice.page.getByRole('article', { name: title });
    await article.waitFor();
    const postPath = await article.getByRole('link', { name: title }).first().getAttribute('href');
    expect(postPath).toMatch(/^\/posts\/po_/);

    const bell = alice.page.getByTestId('notification-bell');
    await bob.page.goto(`${url}${postPath}`);
    await bob.page.getByLabel('Add a comment').fill('Closed it on my way past, all good.');
    await bob.page.getByRole('button', { name: 'Post comment' }).click();
    await alice.page
      .getByTestId('notification-count')
      .filter({ hasText: /^[1-9]/ })
      .waitFor();

    // The centre shows the reply; then the moderator hides the post and it arrives live, with the reason.
    await bell.click();
    await alice.page.getByRole('heading', { name: 'Notifications' }).waitFor();
    const reply = alice.page.getByTestId('notification').filter({ hasText: `New reply to “${title}”` });
    await reply.getByText('Closed it on my way past, all good.').waitFor();

    const reason = 'Shows a neighbour’s address in the photo description';
    const hide = await mod.page.evaluate(
      async ({ path, reason }) => {
        const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
        const res = await fetch(`/api/moderation${path}/decisions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
          body: JSON.stringify({ action: 'hide', reason }),
        });
        return res.status;
      },
      { path: postPath!, reason },
    );
    expect(hide).toBe(200);
    const decision = alice.page
      .getByTestId('notification')
      .filter({ hasText: `A moderator hid your post “${title}”` });
    await decision.getByText(reason, { exact: false }).waitFor();
    await decision.getByRole('link', { name: 'Appeal this decision' }).waitFor();

    await alice.page.getByRole('button', { name: 'Mark all read' }).click();
    await alice.page.getByTestId('notification-count').waitFor({ state: 'detached' });
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
});
