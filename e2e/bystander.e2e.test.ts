import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { videoWithLocation } from '../packages/server/test/support/media.js';
import { startSmtpServer, type SmtpTestServer } from '../packages/server/test/support/smtp.js';
import { openBrowser, signIn, type Person } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

/*
 * A resident posts a video. Someone shown in it, with no account, opens the post's "Ask to be blurred or
 * removed" page, files a request with their email and confirms it from the mailed link. The owner finds it in
 * their inbox — without the
 * requester's address — and declines with a reason; the answer arrives at the requester's address on the real
 * local SMTP server.
 */
describe('bystander requests, end to end', () => {
  let server: RunningServer | undefined;
  let smtp: SmtpTestServer | undefined;
  let dir: string;
  const people: Person[] = [];
  const previousSmtpUrl = process.env.SMTP_URL;
  /** The post's bystander form, from the first test (the second files on the same post). */
  let askUrl: string | null = null;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'porchlight-e2e-bystander-'));
    smtp = await startSmtpServer();
    process.env.SMTP_URL = smtp.url;
    server = await startServer(150_000);
    people.push(...(await Promise.all([openBrowser(), openBrowser()])));
    await signIn(people[0]!.page, server.url, 'alice@demo.porchlight');
  }, 200_000);

  afterAll(async () => {
    await Promise.allSettled(people.map((p) => p.close()));
    await server?.stop();
    await smtp?.close();
    await rm(dir, { recursive: true, force: true });
    if (previousSmtpUrl === undefined) delete process.env.SMTP_URL;
    else process.env.SMTP_URL = previousSmtpUrl;
  }, 30_000);

  it('an anonymous visitor asks; the owner answers from the inbox; the answer is mailed to the visitor', async () => {
    const [alice, visitor] = people as [Person, Person];
    const url = server!.url;
    const title = `Delivery van blocking the lane ${Date.now().toString(36)}`;
    const email = `walker-${Date.now().toString(36)}@example.test`;

    // Alice posts a 4-second video.
    const video = await videoWithLocation(path.join(dir, 'lane.mp4'), { seconds: 4, format: 'mp4' });
    await alice.page.getByRole('link', { name: 'New post' }).click();
    await alice.page.getByRole('radio', { name: 'Community' }).check();
    await alice.page.getByLabel('Title').fill(title);
    await alice.page.getByLabel('What happened?').fill('It stayed for an hour with the engine running.');
    await alice.page
      .getByLabel('Add photos or video')
      .setInputFiles([{ name: 'lane.mp4', mimeType: 'video/mp4', buffer: video }]);
    const chosen = alice.page.getByRole('list', { name: 'Chosen photos and videos' });
    await chosen.getByText('Uploaded; it is converted after you post').waitFor({ timeout: 30_000 });
    await alice.page.getByRole('button', { name: 'Post to neighbours' }).click();
    const mine = alice.page.getByRole('article', { name: title });
    await mine.locator('video').waitFor({ timeout: 90_000 });

    // The post page links to the open request form.
    await mine.getByRole('link', { name: title, exact: true }).click();
    const ask = alice.page.getByRole('link', { name: 'Ask to be blurred or removed' });
    await ask.waitFor();
    askUrl = await ask.getAttribute('href');
    expect(askUrl).toMatch(/^\/posts\/po_[A-Za-z0-9_-]{22}\/ask$/);

    // The visitor has no account: the form is an open page.
    await visitor.page.goto(`${url}${askUrl!}`);
    await visitor.page.getByRole('heading', { name: 'Ask to be blurred or removed' }).waitFor();
    await visitor.page.getByRole('radio', { name: 'Blur me in the video' }).check();
    await visitor.page.getByLabel('From (seconds into the video)').fill('1');
    // Past the end of the 4-second clip: the server names the field.
    await visitor.page.getByLabel('To (seconds into the video)').fill('30');
    await visitor.page
      .getByLabel('How can the owner recognise you?')
      .fill('Man in a blue cap by the van door');
    await visitor.page.getByLabel('Your email address').fill(email);
    await visitor.page.getByRole('button', { name: 'Send request' }).click();
    await visitor.page
      .getByText(/within the video \(it is \d+ s long\)/)
      .first()
      .waitFor();
    await visitor.page.getByLabel('To (seconds into the video)').fill('3');
    await visitor.page.getByRole('button', { name: 'Send request' }).click();
    await visitor.page.getByRole('heading', { name: 'Check your email' }).waitFor();

    // Nothing reaches Alice until the visitor opens the link mailed to the address they gave.
    const confirmMail = await smtp!.waitFor((m) => m.to.includes(email) && /Confirm/.test(m.subject), 30_000);
    const link = new RegExp(`${url}/bystander/confirm#token=[A-Za-z0-9_-]{43}`).exec(confirmMail.text)?.[0];
    expect(link).toBeDefined();
    await visitor.page.goto(link!);
    await visitor.page.getByText('Request confirmed').waitFor();

    // Alice's inbox has it, with what was asked and where — and not who asked.
    await alice.page.goto(`${url}/inbox`);
    const section = alice.page.getByRole('region', { name: 'Requests from people in your videos' });
    await section.getByText('Man in a blue cap by the van door').waitFor();
    await section.getByText('Asked to be blurred').waitFor();
    await section.getByText('0:01–0:03').waitFor();
    expect(await alice.page.locator('body').innerText()).not.toContain(email);

    await section.getByRole('radio', { name: 'Decline, with a reason' }).check();
    await section
      .getByLabel('Why do you decline?')
      .fill('Only the van is visible; no face can be recognised.');
    await section.getByRole('button', { name: 'Send answer' }).click();
    await section.getByText(/Declined: Only the van is visible/).waitFor();

    const mail = await smtp!.waitFor((m) => m.to.includes(email) && /answered/.test(m.subject), 30_000);
    expect(mail.text).toContain('The owner declined your request.');
    expect(mail.text).toContain('Only the van is visible; no face can be recognised.');
    expect(mail.text).not.toContain('alice');
    expect([...alice.errors, ...visitor.errors]).toEqual([]);
  }, 240_000);

  it('the owner answers "blurred" with a copy redacted in the browser; it replaces the video in the post', async () => {
    const [alice, visitor] = people as [Person, Person];
    const url = server!.url;
    expect(askUrl).toMatch(/^\/posts\/po_/);
    const email = `umbrella-${Date.now().toString(36)}@example.test`;
    await visitor.page.goto(`${url}${askUrl!}`);
    await visitor.page.getByRole('radio', { name: 'Blur me in the video' }).check();
    await visitor.page.getByLabel('From (seconds into the video)').fill('0');
    await visitor.page.getByLabel('To (seconds into the video)').fill('4');
    await visitor.page.getByLabel('How can the owner recognise you?').fill('Woman with a red umbrella');
    await visitor.page.getByLabel('Your email address').fill(email);
    await visitor.page.getByRole('button', { name: 'Send request' }).click();
    const confirmMail = await smtp!.waitFor((m) => m.to.includes(email) && /Confirm/.test(m.subject), 30_000);
    await visitor.page.goto(/https?:\/\/\S+#token=[A-Za-z0-9_-]{43}/.exec(confirmMail.text)![0]);
    await visitor.page.getByText('Request confirmed').waitFor();

    const postUrl = `${url}${askUrl!.replace(/\/ask$/, '')}`;
    await alice.page.goto(postUrl);
    const original = await alice.page.locator('video').first().getAttribute('src');

    await alice.page.goto(`${url}/inbox`);
    const section = alice.page.getByRole('region', { name: 'Requests from people in your videos' });
    await section.getByText('Woman with a red umbrella').waitFor();
    await section.getByRole('radio', { name: /Blur them/ }).check();
    // No copy yet: the answer cannot be sent.
    expect(await section.getByRole('button', { name: 'Send answer' }).isDisabled()).toBe(true);
    await section.getByRole('button', { name: 'Redact the video' }).click();

    // The owner draws a box over where the person is, by hand, and renders the copy on this device.
    const video = alice.page.getByLabel('Original: video in your post');
    await video.waitFor();
    await alice.page.getByLabel('Position in the clip (s)').fill('0');
    await alice.page.getByLabel('New boxes cover').selectOption('manual');
    await video.scrollIntoViewIfNeeded();
    const vb = (await video.boundingBox())!;
    await alice.page.mouse.move(vb.x + vb.width * 0.3, vb.y + vb.height * 0.3);
    await alice.page.mouse.down();
    await alice.page.mouse.move(vb.x + vb.width * 0.6, vb.y + vb.height * 0.7, { steps: 5 });
    await alice.page.mouse.up();
    const overlay = alice.page.getByRole('application', { name: /Boxes to blur/ });
    expect(await overlay.getByLabel(/^manual box/).count()).toBe(1);
    await alice.page.getByRole('button', { name: 'Render redacted copy' }).click();
    const use = alice.page.getByRole('button', { name: 'Use the redacted copy' });
    await use.waitFor({ timeout: 150_000 });
    await use.click();
    await section
      .getByText(/Redacted copy ready: 0 faces, 0 plates and 1 other box/)
      .waitFor({ timeout: 60_000 });
    await section.getByRole('button', { name: 'Send answer' }).click();
    await section
      .getByText(/· Blurred/)
      .first()
      .waitFor();

    const mail = await smtp!.waitFor((m) => m.to.includes(email) && /answered/.test(m.subject), 30_000);
    expect(mail.text).toContain('The owner blurred the part of the video you described');

    // The post now plays the copy, says what was redacted, and the original is gone.
    await alice.page.goto(postUrl);
    await alice.page
      .getByText(/Redacted by its owner before posting: 0 faces, 0 plates and 1 other box/)
      .waitFor({ timeout: 90_000 });
    const now = await alice.page.locator('video').first().getAttribute('src');
    expect(now).not.toBe(original);
    expect((await alice.page.request.get(`${url}${original!}`)).status()).toBe(404);
    expect([...alice.errors, ...visitor.errors]).toEqual([]);
  }, 420_000);
});
