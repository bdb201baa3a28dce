import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, signIn, type Person } from './support/browser.js';
import { AGENCY_EMAIL, setUpAgencyKey, unlockAgencyKey } from './support/requests-agency.js';
import { startServer, type RunningServer } from './support/server.js';

/*
 * The accounts around footage requests, in Chromium (issue 8). An agency member who forgot their passphrase
 * opens their key with the recovery code and must choose a new passphrase, which then works (the old one does
 * not) — the same forms as an owner's vault. An admin records legal demands: one with a non-disclosure order
 * that they extend from the demand's card; one without, whose owner then finds "Legal notices" in the header.
 */
describe('agency key recovery and legal notices', () => {
  let server: RunningServer | undefined;
  const people: Person[] = [];

  beforeAll(async () => {
    // A new embedded database with the demo seeded takes a while on a busy CI machine, as does key wrapping.
    server = await startServer(180_000);
    people.push(...(await Promise.all([openBrowser(), openBrowser(), openBrowser()])));
    for (const p of people) p.context.setDefaultTimeout(60_000);
  }, 240_000);

  afterAll(async () => {
    await Promise.allSettled(people.map((p) => p.close()));
    await server?.stop();
  }, 30_000);

  it('after a recovery-code unlock, the agency member chooses a new passphrase that replaces the old', async () => {
    const { page } = people[0]!;
    const url = server!.url;
    await signIn(page, url, AGENCY_EMAIL);
    const code = await setUpAgencyKey(page, 'lantern orbit meadow quartz');
    const recipient = await page.getByTestId('own-recipient').textContent();

    // A new page load forgets the key; the member has forgotten the passphrase.
    await page.reload();
    await page.getByRole('button', { name: 'Forgot it? Use your recovery code' }).click();
    await page.getByLabel('Recovery code', { exact: true }).fill(code.toLowerCase().replaceAll('-', ' '));
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByRole('heading', { name: 'Choose a new passphrase' }).waitFor();
    const fresh = 'harbor violet tundra saffron';
    await page.getByLabel('Agency key passphrase', { exact: true }).fill(fresh);
    await page.getByLabel('Repeat the passphrase').fill(fresh);
    await page.getByRole('button', { name: 'Save passphrase and unlock' }).click();
    await page.getByRole('heading', { name: 'Your key is unlocked in this tab' }).waitFor();
    // Same key (only its wrapping changed), so owners' disclosures still open and nothing new is logged.
    expect(await page.getByTestId('own-recipient').textContent()).toBe(recipient);

    await page.reload();
    await unlockAgencyKey(page, 'lantern orbit meadow quartz');
    await page.getByRole('alert').getByText('Wrong passphrase').waitFor();
    await page.getByLabel('Agency key passphrase', { exact: true }).fill(fresh);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByRole('heading', { name: 'Your key is unlocked in this tab' }).waitFor();
    expect(people[0]!.errors).toEqual([]);
  });

  it('records a demand under a non-disclosure order and extends it; an owner told of another finds it from the header', async () => {
    const [, admin, alice] = people as [Person, Person, Person];
    const url = server!.url;
    await Promise.all([
      signIn(admin.page, url, 'admin@demo.porchlight'),
      signIn(alice.page, url, 'alice@demo.porchlight'),
    ]);
    const nav = alice.page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Inbox' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Legal notices' }).count()).toBe(0);

    const page = admin.page;
    await page.goto(`${url}/admin/legal`);
    const record = async (docket: string, email: string, delayDays?: number) => {
      const form = page.getByRole('form', { name: 'Record a legal demand' });
      await form.getByLabel('Kind').selectOption({ label: 'Subpoena' });
      await form.getByLabel('Issuing court or authority').fill('Multnomah County Circuit Court');
      await form.getByLabel('Docket or reference').fill(docket);
      await form.getByLabel('Date on the demand').fill('2026-11-30');
      await form.getByLabel('Jurisdiction').selectOption('portland-or');
      await form.getByLabel('Affected account (email)').fill(email);
      await form
        .getByLabel('Scope, in words fit to publish')
        .fill('Account records for one camera, November');
      await form.getByLabel('The demand’s document').setInputFiles({
        name: `${docket}.pdf`,
        mimeType: 'application/pdf',
        buffer: Buffer.from(`%PDF-1.4 ${docket}`),
      });
      await form.getByText(/^SHA-256 [0-9a-f]{64}$/).waitFor();
      if (delayDays !== undefined) {
        await form.getByLabel('Notice delayed until').fill(localInput(delayDays));
        await form.getByLabel('The order').fill('Order under 18 U.S.C. § 2705(b), 30 days');
      }
      await form.getByRole('button', { name: 'Record demand' }).click();
      return page.getByRole('article', { name: `Subpoena ${docket}` });
    };

    const delayed = await record('SUB-2026-0042', 'bob@demo.porchlight', 30);
    await delayed.getByText(/Owner to be told .* \(non-disclosure order\)/).waitFor();
    const before = await delayed.getByText(/Owner to be told/).textContent();

    // The order is extended: the card's own control, logged like the first.
    const extend = delayed.getByRole('form', { name: 'Delay the notice of Subpoena SUB-2026-0042' });
    await extend.getByLabel('Notice delayed until').fill(localInput(60));
    await extend.getByLabel('The order').fill('Extension granted by the court, 30 more days');
    await extend.getByRole('button', { name: 'Delay notice' }).click();
    await expect.poll(() => delayed.getByText(/Owner to be told/).textContent()).not.toBe(before);

    // Beyond the policy's cap (90 days from receipt): refused, naming the field.
    await extend.getByLabel('Notice delayed until').fill(localInput(120));
    await extend.getByLabel('The order').fill('A further extension');
    await extend.getByRole('button', { name: 'Delay notice' }).click();
    await expect
      .poll(() => delayed.innerText(), { timeout: 30_000 })
      .toMatch(/may be at most 90 days after the demand was received/i);

    // Alice is told at once; her header now links her notices.
    const told = await record('SUB-2026-0043', 'alice@demo.porchlight');
    await told.getByText(/Owner told/).waitFor();
    await alice.page.reload();
    await nav.getByRole('link', { name: 'Legal notices' }).click();
    await alice.page.getByRole('heading', { name: 'Legal notices', level: 1 }).waitFor();
    await alice.page.getByRole('article', { name: 'Subpoena SUB-2026-0043' }).waitFor();
    expect(await alice.page.getByRole('article').count()).toBe(1);
    expect([...admin.errors, ...alice.errors]).toEqual([]);
  });
});

/** A `datetime-local` value `days` from now, in the browser's (and this process's) time zone. */
function localInput(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
