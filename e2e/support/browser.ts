import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { DEMO_TOTP_SECRET } from '../../packages/server/src/demo.js';
import { totpCode } from '../../packages/server/src/modules/auth/totp.js';

export const CHROMIUM = '/usr/bin/chromium';
export const DEMO_PASSWORD = 'porchlight-demo';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One person's browser: its own profile directory, so cookies (and so sessions) are not shared. */
export interface Person {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions in the page; a test should end with none. */
  errors: string[];
  close(): Promise<void>;
}

export async function openBrowser(viewport = { width: 1280, height: 900 }): Promise<Person> {
  const dir = await mkdtemp(path.join(tmpdir(), 'porchlight-e2e-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
  });
  // Generous for a loaded CI machine; a passing run takes a fraction of this per step.
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return {
    context,
    page,
    errors,
    async close() {
      await context.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Demo accounts that need a second factor: they have the README's demo authenticator app. */
export const DEMO_STAFF = new Set([
  'mod@demo.porchlight',
  'mod2@demo.porchlight',
  'admin@demo.porchlight',
  'agency@demo.porchlight',
]);

const lastStep = new Map<string, number>();

/**
 * The demo authenticator app's code for `email` that the server has not seen: a code works once, so a second
 * sign-in within 30 s uses the next step's code (accepted for clock drift), or waits for the step after.
 */
export async function demoTotpCode(email: string): Promise<string> {
  const current = () => Math.floor(Date.now() / 30_000);
  const step = Math.max(current(), (lastStep.get(email) ?? 0) + 1);
  while (step > current() + 1) await new Promise((r) => setTimeout(r, 500));
  lastStep.set(email, step);
  return totpCode(DEMO_TOTP_SECRET, new Date(step * 30_000));
}

/** Signs in through the sign-in form (with the demo app's code for staff) and waits for the feed. */
export async function signIn(page: Page, baseUrl: string, email: string): Promise<void> {
  await page.goto(`${baseUrl}/signin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (DEMO_STAFF.has(email)) {
    await page.getByLabel('Authenticator code').fill(await demoTotpCode(email));
    await page.getByRole('button', { name: 'Verify' }).click();
  }
  await page.getByRole('heading', { name: 'Your neighbourhood' }).waitFor();
}

/**
 * Reloads the page until `locator` shows, for what appears only once the server has done something in the
 * background (the sequencer logging an entry). Each load gets a few seconds to fetch and render its data
 * before the next reload: checking right after the load event raced the page's own requests, so a slow
 * machine reloaded away every answer just before it arrived.
 */
export async function reloadUntilVisible(page: Page, locator: Locator, what: string, timeoutMs = 30_000) {
  for (const by = Date.now() + timeoutMs; ;) {
    try {
      await locator.waitFor({ timeout: 3000 });
      return;
    } catch {
      if (Date.now() > by) throw new Error(`${what} did not show within ${timeoutMs / 1000} s`);
    }
    await page.reload();
  }
}
