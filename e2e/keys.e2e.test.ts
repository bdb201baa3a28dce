import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_CHANGED_MESSAGE, recipientFingerprint } from '../packages/hub/src/pin.js';
import { openBrowser, signIn, type Person } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
/** The `porchlight-hub` CLI, run from source as its own process. */
const HUB = [process.execPath, '--import', 'tsx', 'packages/hub/src/main.ts'] as const;

/*
 * Key rotation in real Chromium (issue 9, hole 5): a hub paired under the first key uploads a clip; the owner
 * rotates the key in the page; the hub then refuses to encrypt (it pinned the old key) until it is paired
 * again from the page, after which it uses the new key; the clip from before the rotation still plays after
 * locking and unlocking with the new passphrase.
 */
describe('vault key rotation in the browser, end to end', () => {
  let server: RunningServer | undefined;
  let person: Person | undefined;
  let work = '';
  const videos: string[] = [];

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'porchlight-e2e-keys-'));
    for (const [i, pattern] of ['testsrc', 'smptebars'].entries()) {
      const file = path.join(work, `clip-${i}.mp4`);
      await run('ffmpeg', [
        ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi'],
        ...['-i', `${pattern}=duration=3:size=640x360:rate=25`],
        ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', file],
      ]);
      videos.push(file);
    }
    [server, person] = await Promise.all([startServer(), openBrowser()]);
    person.context.setDefaultTimeout(45_000);
  }, 120_000);

  afterAll(async () => {
    await person?.close();
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  }, 30_000);

  it('rotates the key: the old clip still plays, the old hub refuses, the re-paired hub uses the new key', async () => {
    const { page } = person!;
    const url = server!.url;
    const stateDir = path.join(work, 'hub-state');
    const hub = (...args: string[]) =>
      run(HUB[0], [...HUB.slice(1), '--state-dir', stateDir, ...args], { cwd: ROOT }).then(
        (r) => ({ code: 0, ...r }),
        (e: unknown) => e as { code: number; stdout: string; stderr: string },
      );
    await signIn(page, url, 'bob@demo.porchlight');

    // A vault and a camera.
    await page.getByRole('link', { name: 'Vault' }).click();
    await page.getByRole('heading', { name: 'Set up your clip vault' }).waitFor();
    await choosePassphrase(page, 'first lantern hedgehog orbit');
    await page.getByRole('button', { name: 'Create my vault' }).click();
    await saveRecoveryCode(page);
    await page.getByRole('link', { name: 'Cameras' }).click();
    await page.getByRole('button', { name: 'Add a camera' }).click();
    await page.getByLabel('Name').fill('Porch');
    await page.getByLabel('Latitude').fill('45.523064');
    await page.getByLabel('Longitude').fill('-122.676483');
    await page.getByRole('button', { name: 'Add camera' }).click();
    const camera = page.getByRole('article', { name: 'Porch' });
    const cameraId = ((await camera.locator('dt:text-is("Camera id") + dd code').textContent()) ?? '').trim();

    // A hub paired under the first key uploads a clip.
    await page.getByRole('link', { name: 'Key' }).click();
    const firstPrint = await fingerprintShown(page);
    await pairFromPage(page, hub);
    const firstUpload = await hub('upload', videos[0]!, '--camera', cameraId);
    expect(firstUpload.code, firstUpload.stderr).toBe(0);
    const pinnedFirst = await pinned(stateDir);
    expect(recipientFingerprint(pinnedFirst)).toBe(firstPrint);

    // Rotation: says what it does, asks for a passphrase, shows a new recovery code once.
    await page.getByRole('link', { name: 'Key' }).click();
    await page.getByText('It does not make older copies useless').waitFor();
    await page.getByRole('button', { name: 'Rotate key…' }).click();
    const newPassphrase = 'second copper meadow violin';
    await choosePassphrase(page, newPassphrase);
    await page.getByRole('button', { name: 'Rotate key' }).click();
    await saveRecoveryCode(page);
    await page.getByRole('link', { name: 'Key' }).click();
    await expect.poll(() => page.getByLabel('Key generation').textContent()).toBe('2');
    const secondPrint = await fingerprintShown(page);
    expect(secondPrint).not.toBe(firstPrint);

    // The hub pinned the first key: it refuses, says why, and nothing is uploaded.
    const refused = await hub('upload', videos[1]!, '--camera', cameraId);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(KEY_CHANGED_MESSAGE);
    const status = await hub('status');
    expect(status.stdout).toContain(`key: REFUSING TO ENCRYPT: ${KEY_CHANGED_MESSAGE}`);
    await page.getByRole('link', { name: 'Hubs' }).click();
    await page
      .getByRole('article', { name: 'Rotation hub' })
      .getByText('Paired with an older vault key')
      .waitFor();

    // Lock, unlock with the new passphrase: the clip from before the rotation still plays.
    await page.getByRole('button', { name: 'Lock' }).click();
    await page.getByRole('link', { name: 'Clips' }).click();
    await page.getByLabel('Vault passphrase', { exact: true }).fill(newPassphrase);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByText('Unlocked in this tab').waitFor({ timeout: 60_000 });
    const clips = page.getByRole('article', { name: /^Clip from Porch/ });
    await expect.poll(() => clips.count()).toBe(1);
    await clips.first().getByRole('button', { name: 'Play' }).click();
    await expectPlays(clips.first().locator('video'));

    // Pairing again from the page pins the new key, and the clip goes up.
    await pairFromPage(page, hub);
    expect(recipientFingerprint(await pinned(stateDir))).toBe(secondPrint);
    const secondUpload = await hub('upload', videos[1]!, '--camera', cameraId);
    expect(secondUpload.code, secondUpload.stderr).toBe(0);
    await page.getByRole('link', { name: 'Clips' }).click();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => clips.count()).toBe(2);
    // The clip encrypted to the new key plays too, in the same unlocked tab.
    await clips.first().getByRole('button', { name: 'Play' }).click();
    await expectPlays(clips.first().locator('video'));
    expect(person!.errors).toEqual([]);
  }, 480_000);
});

async function choosePassphrase(page: Page, passphrase: string): Promise<void> {
  await page.getByLabel('Vault passphrase', { exact: true }).fill(passphrase);
  await page.getByLabel('Repeat the passphrase', { exact: true }).fill(passphrase);
}

async function saveRecoveryCode(page: Page): Promise<void> {
  await page.getByLabel('Recovery code', { exact: true }).waitFor({ timeout: 60_000 });
  await page.getByLabel('I have saved my recovery code somewhere safe').check();
  await page.getByRole('button', { name: 'Open my vault' }).click();
  await page.getByText('Unlocked in this tab').waitFor();
}

async function fingerprintShown(page: Page): Promise<string> {
  const print = page.getByLabel('Current key fingerprint');
  await expect.poll(() => print.textContent()).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
  return ((await print.textContent()) ?? '').trim();
}

/** Runs the pairing command the Hubs page shows, exactly as shown (with its fingerprint). */
async function pairFromPage(
  page: Page,
  hub: (...args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>,
): Promise<void> {
  await page.getByRole('link', { name: 'Hubs' }).click();
  await page.getByRole('button', { name: 'Pair a hub' }).click();
  const command = ((await page.getByLabel('Pairing command').textContent()) ?? '').trim();
  const args = /^npx porchlight-hub (pair --server \S+ --code \S+ --fingerprint \S+)$/.exec(command)?.[1];
  expect(args, command).toBeDefined();
  const paired = await hub(...args!.split(' '), '--name', 'Rotation hub');
  expect(paired.code, paired.stderr).toBe(0);
}

async function pinned(stateDir: string): Promise<string> {
  const device = JSON.parse(await readFile(path.join(stateDir, 'device.json'), 'utf8')) as {
    recipient: string;
  };
  return device.recipient;
}

/** The <video> decodes frames and advances when played. */
async function expectPlays(player: Locator): Promise<void> {
  await expect
    .poll(() => player.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 30_000 })
    .toBeGreaterThanOrEqual(2);
  expect(await player.evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight])).toEqual([640, 360]);
  await player.evaluate(async (v: HTMLVideoElement) => {
    v.muted = true;
    await v.play();
  });
  await expect
    .poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 15_000 })
    .toBeGreaterThan(0.3);
}
