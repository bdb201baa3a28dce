import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Locator, Page } from 'playwright-core';
import { navTo } from './header.js';

/*
 * The camera owner's steps of the footage-request journey, driven through the web app as an owner would:
 * header links, labelled fields and buttons. Agency steps live in requests-agency.ts. Only the camera is
 * created through the API (the Cameras form is covered by the vault e2e); everything the issue is about —
 * the inbox, the live badge, playing, verifying agency keys, what the agency will get, sending, taking
 * back — goes through the page.
 */

export const OWNER_EMAIL = 'alice@demo.porchlight';
export const OWNER_PASSPHRASE = 'porch swallow amber kettle';

const run = promisify(execFile);

/**
 * A short H.264 test clip (`seconds` long, 640×360, 25 fps) written to `file` with ffmpeg: the test card under
 * a fine grid, so every region has detail a blur visibly removes.
 */
export async function makeVideo(file: string, seconds = 4): Promise<void> {
  await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi'],
    ...['-i', `testsrc=duration=${seconds}:size=640x360:rate=25,drawgrid=w=6:h=6:t=1:c=white@0.9`],
    ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', file],
  ]);
}

/** Creates the owner's vault from the Vault page; returns the recovery code it showed once. */
export async function setUpVault(page: Page, passphrase = OWNER_PASSPHRASE): Promise<string> {
  await nav(page, 'Vault');
  await page.getByLabel('Vault passphrase', { exact: true }).fill(passphrase);
  await page.getByLabel('Repeat the passphrase', { exact: true }).fill(passphrase);
  await page.getByRole('button', { name: 'Create my vault' }).click();
  const codeBox = page.getByLabel('Recovery code', { exact: true });
  await codeBox.waitFor({ timeout: 120_000 });
  const code = (await codeBox.textContent())?.trim() ?? '';
  await page.getByLabel('I have saved my recovery code somewhere safe').check();
  await page.getByRole('button', { name: 'Open my vault' }).click();
  await page.getByText('Unlocked in this tab').waitFor();
  return code;
}

/** Adds a camera that accepts agency requests at an exact point (kept server-side only); returns its id. */
export async function addRequestCamera(
  page: Page,
  camera: { name: string; lat: number; lng: number; privacyZones?: string[] },
): Promise<number> {
  return page.evaluate(async (c) => {
    const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
    const res = await fetch('/api/cameras', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
      body: JSON.stringify({
        name: c.name,
        location: { lat: c.lat, lng: c.lng },
        privacyZones: c.privacyZones ?? [],
        acceptAgencyRequests: true,
      }),
    });
    if (!res.ok) throw new Error(`camera not created: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: number }).id;
  }, camera);
}

/**
 * Encrypts and uploads `file` from the Vault's Upload tab as a clip of `camera`, recorded between `starts`
 * and `ends` (`datetime-local` values in the browser's zone, to the second).
 */
export async function uploadClip(
  page: Page,
  clip: { file: string; camera: string; start: Date; seconds: number },
  timeout = 60_000,
): Promise<void> {
  // The form's date-time fields take the browser's local time (this machine's time zone).
  const local = (d: Date) =>
    new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
  await nav(page, 'Vault');
  await page.getByRole('link', { name: 'Upload' }).click();
  await page.getByLabel('Video file').setInputFiles(clip.file);
  // The page pre-fills the times once it has probed the file's length (slow for a file that is not a video);
  // type them after that, or the late pre-fill replaces what was typed.
  const ends = page.getByLabel('Ends');
  for (let i = 0; i < 300 && (await ends.inputValue()) === ''; i++) await page.waitForTimeout(100);
  await page.getByLabel('Camera').selectOption({ label: clip.camera });
  await page.getByLabel('Starts').fill(local(clip.start));
  await page.getByLabel('Ends').fill(local(new Date(clip.start.getTime() + clip.seconds * 1000)));
  await page.getByRole('button', { name: 'Encrypt and upload' }).click();
  await page.getByText('Uploaded and encrypted.').waitFor({ timeout });
}

/** The header's inbox badge once it shows `count` open requests (it updates live, without a reload). */
export async function waitForInboxBadge(page: Page, count: number, timeout = 30_000): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByTestId('inbox-badge')
    .filter({ hasText: String(count), visible: true })
    .waitFor({ timeout });
}

/** The inbox entry for the request with `caseNumber`, after opening the Inbox from the header. */
export async function inboxEntry(page: Page, caseNumber: string): Promise<Locator> {
  await nav(page, 'Inbox');
  await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
  const entry = page
    .getByRole('list', { name: 'Open requests' })
    .getByRole('listitem')
    .filter({ hasText: caseNumber });
  await entry.waitFor();
  return entry;
}

/** Opens the request from the inbox and unlocks the vault there if it is locked. */
export async function reviewRequest(
  page: Page,
  caseNumber: string,
  passphrase = OWNER_PASSPHRASE,
): Promise<void> {
  const entry = await inboxEntry(page, caseNumber);
  await entry.getByRole('link', { name: 'Review my clips' }).click();
  await page.getByRole('heading', { name: 'Your clips from that time' }).waitFor();
  const locked = page.getByText('Unlock your vault to see and play your clips.');
  const clips = page.getByRole('list', { name: 'Your clips from the requested time' });
  await locked.or(clips).first().waitFor({ timeout: 30_000 });
  if (await locked.isVisible()) {
    await page.getByLabel('Vault passphrase', { exact: true }).fill(passphrase);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
  }
  await clips.waitFor({ timeout: 60_000 });
  // The owner decides once the page has checked the request against the log (it may first wait for the
  // request to be sequenced); the check's outcome, either way, is what she reads before ticking clips.
  await page
    .getByText(/^(Verified in this browser against the log’s checkpoint|Not verified:)/)
    .waitFor({ timeout: 60_000 });
}

/** Plays the first clip from the request's window and resolves once the video shows frames and advances. */
export async function playWindowClip(page: Page): Promise<void> {
  const clip = page
    .getByRole('list', { name: 'Your clips from the requested time' })
    .getByRole('listitem')
    .first();
  await clip.getByRole('button', { name: 'Play' }).click();
  const video = clip.locator('video');
  await until(() => video.evaluate((v: HTMLVideoElement) => v.readyState >= 2), 'the clip did not load');
  await video.evaluate(async (v: HTMLVideoElement) => {
    v.muted = true;
    await v.play();
  });
  await until(() => video.evaluate((v: HTMLVideoElement) => v.currentTime > 0.3), 'the clip did not play');
}

async function until(check: () => Promise<boolean>, failure: string, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(failure);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** What the review step says the agency will get, read from the page before anything is sent. */
export interface SharePreview {
  keys: string[];
  clips: {
    plaintextSha256: string;
    ciphertextSha256: string;
    cameraArea: string;
    zones: string;
    /** The owner's redaction in words, or "none: the clip as stored". */
    redaction: string;
  }[];
}

/**
 * Ticks every clip from the window, prepares them (agency keys verified against the log, re-encrypted and
 * hashed in the page) and returns the preview; `send` then sends them and waits for the confirmation.
 */
export async function prepareShare(
  page: Page,
  options: { coarseCell?: boolean } = {},
): Promise<SharePreview> {
  const clips = page.getByRole('list', { name: 'Your clips from the requested time' }).getByRole('checkbox');
  for (const box of await clips.all()) await box.check();
  const where = page.getByLabel(/Tell the agency roughly where the camera is/);
  if (options.coarseCell) await where.check();
  else await where.uncheck();
  await page.getByRole('button', { name: 'Prepare to share' }).click();
  const preview = page.getByLabel('What the agency will get');
  const refused = page.getByRole('alert').filter({ hasText: /\S/ });
  await preview.or(refused).first().waitFor({ timeout: 120_000 });
  if (await refused.isVisible())
    throw new Error(`sharing was refused: ${(await refused.textContent()) ?? ''}`);
  const keys = (
    await preview.getByRole('list', { name: 'Agency keys' }).getByRole('listitem').allTextContents()
  ).map((k) => k.trim());
  const out: SharePreview['clips'] = [];
  for (const table of await preview.getByRole('table').all()) {
    const cell = async (row: string) =>
      (
        (await table
          .getByRole('row', { name: new RegExp(`^${row}`) })
          .getByRole('cell')
          .textContent()) ?? ''
      ).trim();
    out.push({
      plaintextSha256: await cell('Video SHA-256'),
      ciphertextSha256: await cell('Encrypted SHA-256'),
      cameraArea: await cell('Camera area'),
      zones: await cell('Privacy zones blacked out'),
      redaction: await cell('Your redaction'),
    });
  }
  return { keys, clips: out };
}

/** Sends what was prepared and waits until the page confirms every clip was shared. */
export async function sendShare(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Send (this clip|these \d+ clips)$/ }).click();
  await page
    .getByRole('status')
    .filter({ hasText: /^Shared \d+ clips?\./ })
    .waitFor({ timeout: 120_000 });
}

/** The refusal shown when the agency's keys do not verify against the log (e.g. a swapped key). */
export async function keyRefusal(page: Page): Promise<string> {
  const alert = page.getByRole('alert').filter({ hasText: 'The agency’s keys could not be verified' });
  await alert.waitFor({ timeout: 60_000 });
  return (await alert.textContent()) ?? '';
}

/** The owner's shared clips for this request, as the page lists them. */
export function sharedClips(page: Page): Locator {
  return page.getByRole('list', { name: 'Clips you shared' }).getByRole('listitem');
}

/** Takes back the first shared clip that can still be taken back. */
export async function takeBackFirst(page: Page): Promise<void> {
  await sharedClips(page).getByRole('button', { name: 'Take back' }).first().click();
  await page
    .getByRole('group', { name: 'Take this clip back?' })
    .getByRole('button', { name: 'Take it back' })
    .click();
}

async function nav(page: Page, label: string): Promise<void> {
  await navTo(page, new RegExp(`^${label}`));
}
