import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../packages/server/src/modules/auth/totp.js';
import { DEMO_PASSWORD, demoTotpCode, openBrowser, type Person } from './support/browser.js';
import { openAccountMenu } from './support/header.js';
import { startServer, type RunningServer } from './support/server.js';

const AGENCY = 'agency@demo.porchlight';

async function passwordStep(page: Page, url: string, email: string): Promise<void> {
  await page.goto(`${url}/signin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Second step' }).waitFor();
}

async function signOut(page: Page): Promise<void> {
  await openAccountMenu(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

/*
 * Strong accounts (issue 9): the demo agency member signs in with the code of an authenticator app, adds a
 * passkey on the Security page (Chromium's virtual authenticator over CDP stands in for the device), and signs
 * in again with the passkey. A resident turns on an authenticator app from the QR page's key, saves the
 * recovery codes shown once, and signs in with one of them; the same code is refused the second time.
 */
describe('second factors in the browser', () => {
  let server: RunningServer | undefined;
  let agency: Person | undefined;
  let resident: Person | undefined;

  beforeAll(async () => {
    // WebAuthn refuses an IP address as the relying party: the server's public URL is on localhost.
    server = await startServer(120_000, 'localhost');
    [agency, resident] = await Promise.all([openBrowser(), openBrowser()]);
  }, 90_000);

  afterAll(async () => {
    await Promise.allSettled([agency?.close(), resident?.close()]);
    await server?.stop();
  }, 30_000);

  it('signs an agency member in with an authenticator code, then with a passkey', async () => {
    const { page } = agency!;
    const url = server!.url;
    await passwordStep(page, url, AGENCY);
    // Until the second step there is no session: the API does not know this browser.
    const before = await page.evaluate(() => fetch('/api/me').then((r) => r.status));
    expect(before).toBe(401);

    const wrong = (await demoTotpCode(AGENCY)) === '000000' ? '111111' : '000000';
    await page.getByLabel('Authenticator code').fill(wrong);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'The second factor is wrong or was already used' })
      .waitFor();
    await page.getByLabel('Authenticator code').fill(await demoTotpCode(AGENCY));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Your neighbourhood' }).waitFor();
    await page.getByRole('link', { name: 'Agency key' }).waitFor();

    // A passkey on this "device": Chromium's virtual platform authenticator.
    const cdp = await agency!.context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    await openAccountMenu(page);
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('heading', { name: 'Security', level: 1 }).waitFor();
    await page.getByLabel('Passkey name').fill('Precinct laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByText('Precinct laptop').waitFor();
    const stored = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(stored.credentials).toHaveLength(1);
    // The seed set up the demo app without recovery codes, so the first factor added here brings them, once.
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    expect(await page.locator('.recovery-codes__list li').count()).toBe(10);
    await page.getByRole('button', { name: 'I have saved these codes' }).click();

    await signOut(page);
    await passwordStep(page, url, AGENCY);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('heading', { name: 'Your neighbourhood' }).waitFor();
    await page.getByRole('link', { name: 'Agency key' }).click();
    await page.getByRole('heading', { name: 'Agency key', level: 1 }).waitFor();
    // The passkey's signature counter moved on the server as on the authenticator.
    const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(after.credentials[0]!.signCount).toBeGreaterThan(0);
    expect(agency!.errors).toEqual([]);
  }, 120_000);

  it('lets a resident turn on an authenticator app from the QR page and sign in once with each recovery code', async () => {
    const { page } = resident!;
    const url = server!.url;
    await page.goto(`${url}/signin`);
    await page.getByLabel('Email').fill('bob@demo.porchlight');
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Your neighbourhood' }).waitFor();

    await openAccountMenu(page);
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const qr = page.getByRole('img', { name: 'QR code to add Porchlight to your authenticator app' });
    await qr.waitFor();
    expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    const secret = (await page.locator('.totp-secret').textContent())!.trim();
    const link = await page
      .getByRole('link', { name: 'open it in an app on this device' })
      .getAttribute('href');
    expect(link).toContain(`secret=${secret}`);
    await page.getByLabel('Code from the app').fill(totpCode(secret, new Date()));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    const codes = await page.locator('.recovery-codes__list li').allTextContents();
    expect(codes).toHaveLength(10);
    await page.getByRole('button', { name: 'I have saved these codes' }).click();
    await page.getByText('10 of 10 unused').waitFor();

    await signOut(page);
    await passwordStep(page, url, 'bob@demo.porchlight');
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(codes[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Your neighbourhood' }).waitFor();

    await signOut(page);
    await passwordStep(page, url, 'bob@demo.porchlight');
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(codes[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'The second factor is wrong or was already used' })
      .waitFor();
    expect(resident!.errors).toEqual([]);
  }, 120_000);
});
