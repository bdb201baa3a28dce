import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startPushService,
  type PushTestService,
  type TestSubscription,
} from '../packages/server/test/support/push.js';
import { startSmtpServer, type SmtpTestServer } from '../packages/server/test/support/smtp.js';
import { openBrowser, signIn, type Person } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

/**
 * Runs in Alice's page before its scripts: a stand-in for the browser vendor's push service (see the test). The
 * subscription lives in localStorage, as a real one outlives a reload; the key the app subscribed with is kept
 * there for the test to compare with the VAPID key the server signs its pushes with.
 */
function fakePushService(sub: TestSubscription): void {
  const SUBSCRIBED = 'e2e-push-subscribed';
  const bytes = (b64: string): ArrayBuffer => {
    const raw = atob(b64.replace(/-/g, '+').replace(/_/g, '/'));
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out.buffer;
  };
  const subscription = {
    endpoint: sub.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true },
    getKey: (name: 'p256dh' | 'auth') => bytes(sub.keys[name]),
    toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: sub.keys }),
    unsubscribe: () => {
      localStorage.removeItem(SUBSCRIBED);
      return Promise.resolve(true);
    },
  } as unknown as PushSubscription;
  PushManager.prototype.subscribe = function (options?: PushSubscriptionOptionsInit) {
    const key = new Uint8Array(options?.applicationServerKey as ArrayBuffer);
    const b64u = btoa(String.fromCharCode(...key))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    localStorage.setItem('e2e-push-application-server-key', b64u);
    localStorage.setItem(SUBSCRIBED, '1');
    return Promise.resolve(subscription);
  };
  PushManager.prototype.getSubscription = function () {
    return Promise.resolve(localStorage.getItem(SUBSCRIBED) ? subscription : null);
  };
}

/*
 * Alice turns on alerts in the settings page (crime posts, push on this device, instant email). Bob posts a
 * crime nearby: Alice's device gets the push — the local push service decrypts it with the subscription's key
 * — and the mail arrives at the local SMTP server. Bob then replies to Alice's post and a moderator hides it:
 * both reach Alice's bell and notification centre live, the decision with its reason and the appeal. Removing
 * the device stops its pushes.
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

    // Alice presses the app's own button. Only the browser vendor's push service is replaced: headless
    // Chromium has none (pushManager.subscribe never settles or fails), so the page's PushManager hands out a
    // subscription on the local push service instead, with a key pair and auth secret this test made, as
    // Chrome would with FCM. The permission prompt, the real service worker registration, the VAPID key the
    // app fetches, the registration with the server and the encrypted delivery are all the app's own.
    const subscription: TestSubscription = push!.subscribe();
    await alice.context.addInitScript(fakePushService, subscription);
    await alice.page.reload();
    await alice.page.getByRole('button', { name: 'Get push alerts on this device' }).click();
    const device = alice.page.getByTestId('push-device').filter({ hasText: 'Chrome on Linux' });
    await device.waitFor();
    await alice.page.getByRole('button', { name: 'Subscribed: subscribe again' }).waitFor();
    expect(await device.textContent()).toContain(new URL(push!.url).host);
    const applicationServerKey = await alice.page.evaluate(() =>
      localStorage.getItem('e2e-push-application-server-key'),
    );
    expect(applicationServerKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    expect(
      await alice.page.evaluate(
        async () => (await navigator.serviceWorker.getRegistration('/'))?.active?.scriptURL,
      ),
    ).toBe(`${url}/vault-sw.js`);

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
    // Signed with the very key the browser was given to subscribe with.
    expect(delivered.vapid.publicKey).toBe(applicationServerKey);
    const mail = await smtp!.waitFor((m) => m.subject === 'Crime near you' && m.text.includes(crime), 20_000);
    expect(mail.to).toEqual(['alice@demo.porchlight']);
    expect(mail.text).toContain(`${url}/unsubscribe?token=`);

    // Alice removes this device: the server forgets it and the browser unsubscribes. Bob's next crime reaches
    // her mailbox but no longer her device.
    await device.getByRole('button', { name: 'Remove' }).click();
    await alice.page.getByText('No device is subscribed yet.').waitFor();
    await alice.page.getByRole('button', { name: 'Get push alerts on this device' }).waitFor();
    expect(await alice.page.evaluate(() => localStorage.getItem('e2e-push-subscribed'))).toBeNull();
    const later = `Catalytic converter cut from a van ${Date.now().toString(36)}`;
    await bob.page.getByRole('link', { name: 'New post' }).click();
    await bob.page.getByRole('radio', { name: 'Crime' }).check();
    await bob.page.getByLabel('Title').fill(later);
    await bob.page
      .getByLabel('What happened?')
      .fill('Heard a saw at 3am on Oak St; the van owner found it gone.');
    await bob.page.getByRole('button', { name: 'Post to neighbours' }).click();
    await bob.page.getByRole('article', { name: later }).waitFor();
    await smtp!.waitFor((m) => m.subject === 'Crime near you' && m.text.includes(later), 20_000);
    // Push and email go out from the same alert; give the push a moment longer to have arrived if it were sent.
    await new Promise((r) => setTimeout(r, 3000));
    expect(push!.received.map((p) => (p.message as { body?: string }).body)).toEqual([crime]);

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
