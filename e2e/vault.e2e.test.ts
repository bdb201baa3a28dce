import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeFrigate, type FakeFrigate } from '../packages/hub/test/support/fake-frigate.js';
import { openBrowser, signIn, type Person } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';
import { contrastOf } from './support/contrast.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
/** The `porchlight-hub` CLI, run from source as its own process. */
const HUB = [process.execPath, '--import', 'tsx', 'packages/hub/src/main.ts'] as const;

/*
 * A resident's clip vault in real Chromium against the real built server: the key is made and wrapped in
 * the page, a clip is encrypted in the page and uploaded over tus (surviving a dropped PATCH), played and
 * sought through the decrypting service worker, downloaded byte-identical, and deleted — while the server
 * only ever stores age ciphertext.
 */
describe('clip vault in the browser, end to end', () => {
  let server: RunningServer | undefined;
  let person: Person | undefined;
  let work = '';
  let video = '';
  let videoBytes = Buffer.alloc(0);

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'porchlight-e2e-vault-'));
    video = path.join(work, 'porch.mp4');
    await run('ffmpeg', [
      ...[
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc=duration=5:size=640x360:rate=25',
      ],
      ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', video],
    ]);
    videoBytes = await readFile(video);
    // Generous: creating the embedded database takes minutes on a loaded shared machine.
    [server, person] = await Promise.all([startServer(240_000), openBrowser()]);
    // Key wrapping (scrypt) and software-rendered video are slow on a busy CI machine.
    person.context.setDefaultTimeout(45_000);
  }, 300_000);

  afterAll(async () => {
    await person?.close();
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  }, 30_000);

  it('sets up keys, uploads encrypted, plays, locks, unlocks, recovers, downloads and deletes', async () => {
    const { page } = person!;
    const url = server!.url;
    const passphrase = 'lantern hedgehog quietly orbit';
    await signIn(page, url, 'alice@demo.porchlight');
    // Everything the page sends, to show no secret ever leaves it.
    const sent: string[] = [];
    page.on('request', (r) => {
      sent.push(`${r.method()} ${r.url()} ${JSON.stringify(r.headers())} ${r.postData() ?? ''}`);
    });

    // --- Key setup: the recovery code is shown once, and only after confirming does the vault open.
    await page.getByRole('link', { name: 'Vault' }).click();
    await page.getByRole('heading', { name: 'Set up your clip vault' }).waitFor();
    await page.getByLabel('Vault passphrase', { exact: true }).fill('short');
    await page.getByLabel('Repeat the passphrase', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Create my vault' }).click();
    await page.getByText('Use at least 12 characters.').first().waitFor();
    await page.getByLabel('Vault passphrase', { exact: true }).fill(passphrase);
    await page.getByLabel('Repeat the passphrase', { exact: true }).fill(passphrase);
    await page.getByRole('button', { name: 'Create my vault' }).click();
    const codeBox = page.getByLabel('Recovery code', { exact: true });
    await codeBox.waitFor({ timeout: 60_000 });
    const recoveryCode = (await codeBox.textContent())!.trim();
    expect(recoveryCode).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){5}$/);
    expect(await page.getByRole('button', { name: 'Open my vault' }).isDisabled()).toBe(true);
    // Nothing is stored until the code is saved: a tab closed now leaves no vault only that code could open.
    const before = await page.evaluate(async () => (await fetch('/api/vault/keys')).status);
    expect(before).toBe(404);
    await page.getByLabel('I have saved my recovery code somewhere safe').check();
    await page.getByRole('button', { name: 'Open my vault' }).click();
    await page.getByText('Unlocked in this tab').waitFor();
    expect(await page.evaluate(async () => (await fetch('/api/vault/keys')).status)).toBe(200);
    expect(await page.content()).not.toContain(recoveryCode);

    // The key lives in memory only: nothing in storage, and a reload finds the vault locked.
    const stored = await page.evaluate(async () => ({
      local: Object.keys(localStorage).length,
      session: Object.keys(sessionStorage).length,
      databases: (await indexedDB.databases()).length,
      cookies: document.cookie,
    }));
    expect({ ...stored, cookies: undefined }).toEqual({
      local: 0,
      session: 0,
      databases: 0,
      cookies: undefined,
    });
    expect(stored.cookies).not.toContain('AGE-');
    await page.reload();
    await page.getByRole('heading', { name: 'Unlock your vault' }).waitFor();
    await unlock(page, 'not my passphrase at all');
    await page.getByRole('alert').getByText('Wrong passphrase').waitFor({ timeout: 60_000 });
    await unlock(page, passphrase);
    await page.getByText('Unlocked in this tab').waitFor({ timeout: 60_000 });

    // --- A camera: an invalid privacy zone is named; the saved location comes back coarse.
    await page.getByRole('link', { name: 'Cameras' }).click();
    await page.getByRole('button', { name: 'Add a camera' }).click();
    await page.getByLabel('Name').fill('Front door');
    await page.getByLabel('Latitude').fill('45.523064');
    await page.getByLabel('Longitude').fill('-122.676483');
    await page.getByLabel('Keep clips for (days)').fill('14');
    await page.getByLabel('Paste zones').fill('0,0,1.5,0,1,1');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('Value 3 (1.5) is outside 0–1.').waitFor();
    await page.getByLabel('Zone 1', { exact: true }).fill('0,0,0.3,0,0.3,0.2');
    // A second zone drawn on the 16:9 frame (bottom right corner).
    const frame = page.getByRole('img', { name: /^Camera frame with 1 privacy zone/ });
    const box = (await frame.boundingBox())!;
    for (const [x, y] of [
      [0.85, 0.85],
      [0.95, 0.85],
      [0.95, 0.95],
    ] as const) {
      await frame.click({ position: { x: x * box.width, y: y * box.height } });
    }
    await page.getByRole('button', { name: 'Finish zone (3 corners)' }).click();
    const drawn = await page.getByLabel('Zone 2', { exact: true }).inputValue();
    const corners = drawn.split(',').map(Number);
    expect(corners).toHaveLength(6);
    [0.85, 0.85, 0.95, 0.85, 0.95, 0.95].forEach((n, k) => {
      expect(corners[k]).toBeCloseTo(n, 1);
    });
    expect(
      await page.getByLabel('Let me know about agency footage requests near this camera').isChecked(),
    ).toBe(false);
    await page.getByRole('button', { name: 'Add camera' }).click();
    const camera = page.getByRole('article', { name: 'Front door' });
    await camera.waitFor();
    const shown = (await camera.getByText('the cell around').textContent()) ?? '';
    expect(shown).not.toContain('45.523064');
    expect(shown).not.toContain('-122.676483');

    // --- Upload from the page; the first PATCH is dropped and the upload resumes by itself.
    let dropped = 0;
    await page.route('**/api/uploads/**', async (route) => {
      if (route.request().method() === 'PATCH' && dropped === 0) {
        dropped += 1;
        await route.abort('connectionreset');
      } else await route.continue();
    });
    await page.getByRole('link', { name: 'Upload' }).click();
    // The page guesses the times from the file's length. Held back here (as a big file or a slow disk does),
    // that guess arrives after the person typed a start: it must fill only the end nobody touched.
    await holdLengthProbe(page);
    await page.getByLabel('Video file').setInputFiles(video);
    await page.getByText('will be encrypted in this page').waitFor();
    const typedStart = '2026-01-05T09:30:00';
    await page.getByLabel('Starts').fill(typedStart);
    expect(await page.getByLabel('Ends').inputValue()).toBe('');
    await page.evaluate(() => {
      (window as unknown as { releaseProbe: () => void }).releaseProbe();
    });
    await expect.poll(() => page.getByLabel('Ends').inputValue()).not.toBe('');
    // Chromium reports a datetime-local value without its seconds when they are zero.
    expect(await page.getByLabel('Starts').inputValue()).toBe(typedStart.replace(/:00$/, ''));
    await page.getByRole('button', { name: 'Encrypt and upload' }).click();
    await page.getByText('Uploaded and encrypted.').waitFor({ timeout: 60_000 });
    expect(dropped).toBe(1);
    await page.unroute('**/api/uploads/**');

    // The server holds age ciphertext only.
    const blobs = await filesUnder(path.join(server!.dataDir, 'blobs'));
    expect(blobs).toHaveLength(1);
    const blob = await readFile(blobs[0]!);
    expect(blob.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    for (const at of [0, 4096, Math.floor(videoBytes.length / 2)]) {
      expect(blob.indexOf(videoBytes.subarray(at, at + 32))).toBe(-1);
    }

    // --- The clip appears, plays and seeks through the service worker.
    await page.getByRole('link', { name: 'See it in your clips' }).click();
    const clip = page.getByRole('article', { name: /^Clip from Front door/ });
    await clip.getByRole('button', { name: 'Play' }).click();
    const player = clip.locator('video');
    await expectPlays(player);
    const stream = (await player.getAttribute('src'))!;
    expect(stream).toMatch(/^\/vault\/stream\/cl_[A-Za-z0-9_-]{22}$/);

    // --- Lock, then unlock with the passphrase. Locked, the worker no longer decrypts (423).
    await page.getByRole('button', { name: 'Lock' }).click();
    await page.getByRole('heading', { name: 'Unlock your vault' }).waitFor();
    const lockedStatus = await page.evaluate(
      async (src) => (await fetch(src, { headers: { Range: 'bytes=0-99' } })).status,
      stream,
    );
    expect(lockedStatus).toBe(423);
    await unlock(page, passphrase);
    await page.getByText('Unlocked in this tab').waitFor({ timeout: 60_000 });

    // --- Recovery code (typed sloppily) then a new passphrase; the old one stops working.
    const newPassphrase = 'copper meadow violin seventeen';
    await page.getByRole('button', { name: 'Lock' }).click();
    await page.getByRole('button', { name: 'Forgot it? Use your recovery code' }).click();
    await page
      .getByLabel('Recovery code', { exact: true })
      .fill(recoveryCode.toLowerCase().replaceAll('-', ' '));
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('heading', { name: 'Choose a new passphrase' }).waitFor({ timeout: 60_000 });
    await page.getByLabel('Vault passphrase', { exact: true }).fill(newPassphrase);
    await page.getByLabel('Repeat the passphrase', { exact: true }).fill(newPassphrase);
    await page.getByRole('button', { name: 'Save passphrase and unlock' }).click();
    await page.getByText('Unlocked in this tab').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Lock' }).click();
    await unlock(page, passphrase);
    await page.getByRole('alert').getByText('Wrong passphrase').waitFor({ timeout: 60_000 });
    await unlock(page, newPassphrase);
    await page.getByText('Unlocked in this tab').waitFor({ timeout: 60_000 });

    // --- The worker is stopped (as the browser does to idle workers) and loses the key; the page gives it
    // back when asked, and the download is byte-identical to the original.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 30_000 }),
      clip.getByRole('button', { name: 'Download' }).click(),
    ]);
    const saved = path.join(work, 'downloaded.mp4');
    await download.saveAs(saved);
    expect(sha256(await readFile(saved))).toBe(sha256(videoBytes));
    expect(download.suggestedFilename()).toMatch(/^porchlight-clip-.+\.mp4$/);

    // --- No passphrase, recovery code or identity in any request, nor anywhere in the server's data.
    const secrets = [passphrase, newPassphrase, recoveryCode, recoveryCode.toLowerCase(), 'AGE-SECRET-KEY-1'];
    for (const secret of secrets) expect(sent.filter((r) => r.includes(secret))).toEqual([]);
    for (const file of await filesUnder(server!.dataDir)) {
      const bytes = await readFile(file);
      for (const secret of secrets) expect(bytes.indexOf(secret), `${secret} in ${file}`).toBe(-1);
    }

    // --- Delete: gone from the list and from blob storage.
    await clip.getByRole('button', { name: 'Delete' }).click();
    await clip.getByRole('button', { name: 'Delete clip' }).click();
    await clip.waitFor({ state: 'detached' });
    await page.getByText('No clips here yet.').waitFor();
    await expect.poll(() => filesUnder(path.join(server!.dataDir, 'blobs'))).toHaveLength(0);

    expect(person!.errors).toEqual([]);
  }, 480_000);

  // Continues from the vault and camera set up above.
  it('pairs a home hub from the page; a Frigate review reaches the vault zoned and plays', async () => {
    const { page } = person!;
    const url = server!.url;
    let frigate: FakeFrigate | undefined;
    let hub: ChildProcess | undefined;
    const hubLog: string[] = [];
    const stateDir = path.join(work, 'hub-state');
    try {
      await page.getByRole('link', { name: 'Cameras' }).click();
      const camera = page.getByRole('article', { name: 'Front door' });
      const cameraId = (
        (await camera.locator('dt:text-is("Camera id") + dd code').textContent()) ?? ''
      ).trim();
      expect(cameraId).toMatch(/^ca_[A-Za-z0-9_-]{22}$/);
      // Editing keeps the camera and its zones; the hub reads the new settings.
      await camera.getByRole('button', { name: 'Edit' }).click();
      await page.getByLabel('Keep clips for (days)').fill('7');
      await page.getByRole('button', { name: 'Save camera' }).click();
      await camera.getByText('7 days').waitFor();

      // Pairing: the page shows the exact command; run it.
      await page.getByRole('link', { name: 'Hubs' }).click();
      await page.getByRole('button', { name: 'Pair a hub' }).click();
      const command = ((await page.getByLabel('Pairing command').textContent()) ?? '').trim();
      // Readable: light text on the dark block (it was white on a pale highlight).
      expect(await contrastOf(page.getByLabel('Pairing command').locator('code'))).toBeGreaterThanOrEqual(
        4.5,
      );
      const match = /^npx porchlight-hub pair --server (\S+) --code (\S+) --fingerprint (\S+)$/.exec(command);
      expect(match?.[1]).toBe(url);
      const paired = await run(
        HUB[0],
        [
          ...HUB.slice(1),
          '--state-dir',
          stateDir,
          'pair',
          '--server',
          match![1]!,
          '--code',
          match![2]!,
          '--fingerprint',
          match![3]!,
          '--name',
          'Porch hub',
        ],
        { cwd: ROOT },
      );
      expect(paired.stdout).toContain('paired as "Porch hub"');
      await page.getByRole('link', { name: 'Clips' }).click();
      await page.getByRole('link', { name: 'Hubs' }).click();
      await page.getByRole('article', { name: 'Porch hub' }).waitFor();

      // The hub runs against a fake Frigate (HTTP API + MQTT) and picks up a review.
      frigate = await startFakeFrigate({ width: 640, height: 360 });
      const config = path.join(work, 'hub.json');
      await writeFile(
        config,
        JSON.stringify({
          sources: [
            {
              type: 'frigate',
              url: frigate.url,
              mqtt: frigate.mqttUrl,
              cameras: { front_door: cameraId },
              pollSeconds: 0,
            },
          ],
        }),
      );
      hub = spawn(HUB[0], [...HUB.slice(1), '--state-dir', stateDir, 'run', '--config', config], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      for (const stream of [hub.stdout!, hub.stderr!])
        stream.on('data', (b: Buffer) => hubLog.push(b.toString()));
      await frigate.subscribed();
      await frigate.addReview({ camera: 'front_door', seconds: 4 });

      // The clip appears in the vault and plays in Chromium.
      await page.getByRole('link', { name: 'Clips' }).click();
      const clip = page.getByRole('article', { name: /^Clip from Front door/ });
      await expect
        .poll(
          async () => {
            await page.getByRole('button', { name: 'Refresh' }).click();
            return clip.count();
          },
          { timeout: 90_000, interval: 2000 },
        )
        .toBe(1);
      // Filtering by time hides it; by camera shows it.
      await page.getByLabel('From', { exact: true }).fill('2099-01-01T00:00');
      await page.getByText('No clips here yet.').waitFor();
      await page.getByLabel('From', { exact: true }).fill('');
      await page.getByLabel('Camera', { exact: true }).selectOption({ label: 'Front door' });
      await clip.waitFor();
      await clip.getByRole('button', { name: 'Play' }).click();
      const player = clip.locator('video');
      await expectPlays(player, 4);

      // The privacy zone (top-left 30 % × 20 %) was burned in at home: black there, the test pattern elsewhere.
      const luma = await player.evaluate((v: HTMLVideoElement) => {
        const canvas = document.createElement('canvas');
        canvas.width = v.videoWidth;
        canvas.height = v.videoHeight;
        const g = canvas.getContext('2d')!;
        g.drawImage(v, 0, 0);
        const mean = (x: number, y: number, w: number, h: number) => {
          const d = g.getImageData(x, y, w, h).data;
          let sum = 0;
          for (let i = 0; i < d.length; i += 4) sum += 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!;
          return sum / (d.length / 4);
        };
        return { zone: mean(10, 10, 150, 40), outside: mean(320, 150, 200, 150) };
      });
      expect(luma.zone).toBeLessThan(20);
      expect(luma.outside).toBeGreaterThan(60);

      // With its first clip the hub sent an encrypted frame: the zone editor decrypts it here and draws on it.
      await page.getByRole('link', { name: 'Cameras' }).click();
      await page.getByRole('article', { name: 'Front door' }).getByRole('button', { name: 'Edit' }).click();
      await page.getByText(/decrypted on this device/).waitFor({ timeout: 30_000 });
      const frame = await page
        .getByRole('img', { name: /latest picture from the camera/ })
        .locator('image')
        .evaluate(async (el) => {
          const img = new Image();
          img.src = el.getAttribute('href') ?? '';
          await img.decode();
          return { href: img.src.slice(0, 5), width: img.naturalWidth, height: img.naturalHeight };
        });
      expect(frame).toEqual({ href: 'blob:', width: 640, height: 360 });
      await page.getByRole('button', { name: 'Cancel' }).click();

      // Revoking the hub from the page stops it.
      await page.getByRole('link', { name: 'Hubs' }).click();
      const card = page.getByRole('article', { name: 'Porch hub' });
      await card.getByRole('button', { name: 'Revoke' }).click();
      await card.getByRole('button', { name: 'Revoke hub' }).click();
      await card.getByText('Revoked').waitFor();
      expect(person!.errors).toEqual([]);
    } catch (err) {
      throw new Error(`${String(err)}\nhub output:\n${hubLog.join('')}`, { cause: err });
    } finally {
      if (hub && hub.exitCode === null) {
        const exited = new Promise((resolve) => hub!.once('exit', resolve));
        hub.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      }
      await frigate?.close();
    }
  }, 300_000);

  // Continues from the unlocked vault and the camera set up above.
  it('imports a file the age CLI encrypted to the owner: sent as is, stored byte for byte, plays', async () => {
    const { page } = person!;
    const mp4 = path.join(work, 'cli.mp4');
    await run('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i'],
      ...['testsrc2=duration=3:size=640x360:rate=25', '-c:v', 'libx264', '-pix_fmt', 'yuv420p'],
      ...['-movflags', '+faststart', mp4],
    ]);
    const plaintext = await readFile(mp4);
    const uploads: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/uploads')) uploads.push(r.method());
    });

    // The owner's recipient, as the page knows it; the upload form shows it too.
    await page.getByRole('link', { name: 'Upload' }).click();
    const { recipient } = await page.evaluate(
      async () => (await (await fetch('/api/vault/keys')).json()) as { recipient: string },
    );
    expect(recipient).toMatch(/^age1[0-9a-z]{58}$/);
    await page.getByText(recipient).waitFor();

    // A file for someone else is refused in the page, before any byte is sent.
    const keygen = await run('age-keygen', []);
    const stranger = /# public key: (age1\S+)/.exec(keygen.stdout)![1]!;
    const foreign = path.join(work, 'foreign.age');
    await run('age', ['-r', stranger, '-o', foreign, mp4]);
    await page.getByLabel('Video file').setInputFiles(foreign);
    await page.getByRole('alert').getByText('This file is encrypted to someone else').waitFor();
    await page.getByRole('button', { name: 'Upload as is' }).click();
    await page.getByRole('alert').getByText('This file is encrypted to someone else').waitFor();
    expect(uploads).toEqual([]);

    // The owner's file: recognised, verified with the unlocked key, and sent unchanged — surviving a dropped PATCH.
    const encrypted = path.join(work, 'clip.age');
    await run('age', ['-r', recipient, '-o', encrypted, mp4]);
    const cliBytes = await readFile(encrypted);
    let dropped = 0;
    await page.route('**/api/uploads/**', async (route) => {
      if (route.request().method() === 'PATCH' && dropped === 0) {
        dropped += 1;
        await route.abort('connectionreset');
      } else await route.continue();
    });
    await page.getByLabel('Video file').setInputFiles(encrypted);
    await page.getByText('already encrypted with age — uploading as is').waitFor();
    await expect.poll(() => page.getByLabel('Starts').inputValue()).not.toBe('');
    expect(await page.getByRole('button', { name: 'Encrypt and upload' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Upload as is' }).click();
    await page.getByText('Uploaded as is, already encrypted with age.').waitFor({ timeout: 60_000 });
    expect(dropped).toBe(1);
    expect(uploads.filter((m) => m === 'PATCH').length).toBeGreaterThanOrEqual(2);
    await page.unroute('**/api/uploads/**');

    // Stored byte for byte: the API's hash is the CLI file's, and the blob on disk is that file.
    const { items } = await page.evaluate(
      async () =>
        (await (await fetch('/api/clips')).json()) as {
          items: { id: number; sha256: string; sizeBytes: number; startedAt: string }[];
        },
    );
    const imported = items.find((c) => c.sha256 === sha256(cliBytes));
    expect(imported, JSON.stringify(items)).toBeDefined();
    expect(imported!.sizeBytes).toBe(cliBytes.length);
    const blobs = await filesUnder(path.join(server!.dataDir, 'blobs'));
    const stored = await Promise.all(blobs.map((f) => readFile(f)));
    expect(stored.filter((b) => b.equals(cliBytes))).toHaveLength(1);
    // It appears and plays in Chromium through the decrypting service worker.
    await page.getByRole('link', { name: 'See it in your clips' }).click();
    const clip = page
      .getByRole('article', { name: /^Clip from Front door/ })
      .filter({ has: page.locator(`time[datetime="${imported!.startedAt}"]`) });
    await clip.getByRole('button', { name: 'Play' }).click();
    const player = clip.locator('video');
    await expectPlays(player, 3);
    // Decrypted in the browser with the key the CLI encrypted to, it is the original video.
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 30_000 }),
      clip.getByRole('button', { name: 'Download' }).click(),
    ]);
    const saved = path.join(work, 'imported.mp4');
    await download.saveAs(saved);
    expect(sha256(await readFile(saved))).toBe(sha256(plaintext));
    expect(person!.errors).toEqual([]);
  }, 240_000);

  // Continues from the vault (passphrase changed above) and camera set up above.
  it('a reload mid-upload loses nothing: after unlocking, the same file resumes to one byte-identical clip', async () => {
    const { page } = person!;
    // Several MB of noise, so the upload takes several ~1 MiB PATCHes.
    const big = path.join(work, 'driveway.mp4');
    await run('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i'],
      ...['testsrc=duration=4:size=640x360:rate=25', '-vf', 'noise=alls=40:allf=t+u'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '24', '-pix_fmt', 'yuv420p'],
      ...['-movflags', '+faststart', big],
    ]);
    const plaintext = await readFile(big);
    expect(plaintext.length).toBeGreaterThan(4 * 1024 * 1024);
    const listClips = () =>
      page.evaluate(
        async () =>
          (await (await fetch('/api/clips')).json()) as {
            items: { id: number; sizeBytes: number; startedAt: string }[];
          },
      );
    const before = (await listClips()).items.map((c) => c.id);
    const blobsBefore = await filesUnder(path.join(server!.dataDir, 'blobs'));

    // Slow PATCHes, so the reload lands mid-upload; note every offset the page sends from.
    const offsets: number[] = [];
    let acked = 0;
    await page.route('**/api/uploads/**', async (route) => {
      if (route.request().method() === 'PATCH') {
        offsets.push(Number(route.request().headers()['upload-offset']));
        await new Promise((r) => setTimeout(r, 400));
      }
      await route.continue();
    });
    page.on('response', (r) => {
      if (r.request().method() === 'PATCH' && r.url().includes('/api/uploads/') && r.status() === 204)
        acked += 1;
    });
    await page.getByRole('link', { name: 'Upload' }).click();
    await page.getByLabel('Video file').setInputFiles(big);
    await expect.poll(() => page.getByLabel('Starts').inputValue()).not.toBe('');
    await page.getByRole('button', { name: 'Encrypt and upload' }).click();
    await expect.poll(() => acked, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    const pending = await page.evaluate(() => localStorage.getItem('porchlight.vault.pendingUpload'));
    expect(pending).toContain('driveway.mp4');
    expect(pending).not.toContain('AGE-SECRET-KEY');
    await page.reload();
    expect(offsets.length).toBeLessThan(Math.ceil(plaintext.length / (1024 * 1024)));
    const sentBefore = offsets.length;

    // Locked after the reload; unlocked, the page offers to continue — but only with the same file.
    await page.getByRole('heading', { name: 'Unlock your vault' }).waitFor();
    await unlock(page, 'copper meadow violin seventeen');
    await page.getByText('Unlocked in this tab').waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: 'Upload' }).click();
    const notice = page.getByRole('status', { name: 'Interrupted upload' });
    await notice.getByText(/The upload of driveway\.mp4 stopped at \d+%/).waitFor();
    await page.getByLabel('Video file').setInputFiles(video);
    await expect.poll(() => page.getByLabel('Starts').inputValue()).not.toBe('');
    await page.getByRole('button', { name: 'Encrypt and upload' }).waitFor();
    expect(await page.getByRole('button', { name: /^Resume / }).count()).toBe(0);
    await page.getByLabel('Video file').setInputFiles(big);
    await notice.getByText(/Ready to resume driveway\.mp4 \((\d+)%\)/).waitFor();
    await page.getByRole('button', { name: 'Resume driveway.mp4' }).click();
    await page.getByText('Uploaded and encrypted.').waitFor({ timeout: 120_000 });
    await page.unroute('**/api/uploads/**');
    // It continued where the server stopped instead of starting over.
    const resumed = offsets.slice(sentBefore);
    expect(resumed.length).toBeGreaterThan(0);
    expect(resumed[0]).toBeGreaterThan(0);
    expect(await page.evaluate(() => localStorage.getItem('porchlight.vault.pendingUpload'))).toBeNull();
    expect(await notice.count()).toBe(0);

    // One new clip and one new blob; decrypted in the page it is the original video, and it plays.
    const added = (await listClips()).items.filter((c) => !before.includes(c.id));
    expect(added).toHaveLength(1);
    await expect
      .poll(async () => (await filesUnder(path.join(server!.dataDir, 'blobs'))).length)
      .toBe(blobsBefore.length + 1);
    await page.getByRole('link', { name: 'See it in your clips' }).click();
    const clip = page
      .getByRole('article', { name: /^Clip from Front door/ })
      .filter({ has: page.locator(`time[datetime="${added[0]!.startedAt}"]`) });
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 30_000 }),
      clip.getByRole('button', { name: 'Download' }).click(),
    ]);
    const saved = path.join(work, 'resumed.mp4');
    await download.saveAs(saved);
    expect(sha256(await readFile(saved))).toBe(sha256(plaintext));
    await clip.getByRole('button', { name: 'Play' }).click();
    await expectPlays(clip.locator('video'), 4);
    expect(person!.errors).toEqual([]);
  }, 300_000);
});

/**
 * Holds the page's next video length probe (its `loadedmetadata` handler) until `window.releaseProbe()`.
 * Only that one probe: the override removes itself once the page sets its handler.
 */
async function holdLengthProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { releaseProbe?: () => void };
    const released = new Promise<void>((resolve) => {
      w.releaseProbe = resolve;
    });
    const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'onloadedmetadata')!;
    Object.defineProperty(HTMLMediaElement.prototype, 'onloadedmetadata', {
      configurable: true,
      set(this: HTMLMediaElement, handler: ((ev: Event) => void) | null) {
        delete (HTMLMediaElement.prototype as { onloadedmetadata?: unknown }).onloadedmetadata;
        original.set!.call(
          this,
          handler &&
            ((ev: Event) => {
              void released.then(() => {
                handler.call(this, ev);
              });
            }),
        );
      },
    });
  });
}

async function unlock(page: Page, passphrase: string): Promise<void> {
  await page.getByLabel('Vault passphrase', { exact: true }).fill(passphrase);
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
}

/** The <video> decodes frames, has a picture, advances when played, and can seek. */
async function expectPlays(player: Locator, seconds = 5): Promise<void> {
  await expect
    .poll(() => player.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 30_000 })
    .toBeGreaterThanOrEqual(2);
  expect(await player.evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight])).toEqual([640, 360]);
  expect(await player.evaluate((v: HTMLVideoElement) => Math.round(v.duration))).toBe(seconds);
  await player.evaluate(async (v: HTMLVideoElement) => {
    v.muted = true;
    await v.play();
  });
  await expect
    .poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 15_000 })
    .toBeGreaterThan(0.3);
  const seeked = await player.evaluate(
    (v: HTMLVideoElement) =>
      new Promise<number>((resolve) => {
        v.pause();
        v.addEventListener(
          'seeked',
          () => {
            resolve(v.currentTime);
          },
          { once: true },
        );
        v.currentTime = 2.5;
      }),
  );
  expect(seeked).toBeCloseTo(2.5, 0);
  await expect
    .poll(() => player.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 15_000 })
    .toBeGreaterThanOrEqual(2);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
