import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exifGps,
  jpegSegments,
  jpegWithGps,
  videoWithLocation,
} from '../packages/server/test/support/media.js';
import { openBrowser, signIn, type Person } from './support/browser.js';
import { expectFaceAndPlateBlurred, findFaceAndDrawPlate, makeFaceClip } from './support/redact.js';
import * as owner from './support/requests-owner.js';
import { startServer, type RunningServer } from './support/server.js';

/*
 * A resident posts a photo straight off a phone (GPS in its EXIF) and a short video; a neighbour sees the
 * photo with no EXIF or GPS left in the bytes the server sends, and plays and seeks the transcoded video.
 */
describe('photos and video in posts, end to end', () => {
  let server: RunningServer | undefined;
  let dir: string;
  const people: Person[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'porchlight-e2e-media-'));
    server = await startServer();
    people.push(...(await Promise.all([openBrowser(), openBrowser()])));
    const [alice, bob] = people as [Person, Person];
    await Promise.all([
      signIn(alice.page, server.url, 'alice@demo.porchlight'),
      signIn(bob.page, server.url, 'bob@demo.porchlight'),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled(people.map((p) => p.close()));
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 30_000);

  /**
   * Uploads a 4 s clip from the owner's camera "Porch" that started `minutesAgo`, and opens its redaction step
   * from the vault's clip list (newest first, so it is the first clip). Returns the clip's card.
   */
  const redactNewClip = async (page: Page, file: string, minutesAgo: number) => {
    const start = new Date(Date.now() - minutesAgo * 60_000);
    await owner.uploadClip(page, { file, camera: 'Porch', start, seconds: 4 });
    await page.getByRole('link', { name: 'Clips', exact: true }).click();
    const clip = page.getByRole('article', { name: /^Clip from Porch/ }).first();
    await clip.getByRole('button', { name: 'Redact' }).click();
    return clip;
  };

  /** The bytes at `url` as the page's own fetch gets them (its cookies, its origin). */
  const fetchBytes = async (page: Page, url: string): Promise<Buffer> =>
    Buffer.from(
      await page.evaluate(async (u) => {
        const res = await fetch(u);
        if (!res.ok) throw new Error(`${u} answered ${res.status}`);
        return Array.from(new Uint8Array(await res.arrayBuffer()));
      }, url),
    );

  it('strips GPS from a posted photo, and a posted video plays and seeks', async () => {
    const [alice, bob] = people as [Person, Person];
    const title = `Heron on the allotment fence ${Date.now().toString(36)}`;

    const photo = await jpegWithGps({ lat: 51.5072, lng: -0.1276 }, { width: 1600, height: 1200 });
    expect(exifGps(photo)).toBeDefined();
    const video = await videoWithLocation(path.join(dir, 'heron.mp4'), { seconds: 6, format: 'mp4' });

    await alice.page.getByRole('link', { name: 'New post' }).click();
    await alice.page.getByRole('radio', { name: 'Community' }).check();
    await alice.page.getByLabel('Title').fill(title);
    await alice.page.getByLabel('What happened?').fill('It stood there for ten minutes, then flew off east.');
    // The composer says these are public and unencrypted before anything is chosen.
    await alice.page.getByText('public to your neighbours and stored unencrypted').waitFor();
    await alice.page.getByLabel('Add photos or video').setInputFiles([
      { name: 'IMG_2041.jpg', mimeType: 'image/jpeg', buffer: photo },
      { name: 'heron.mp4', mimeType: 'video/mp4', buffer: video },
    ]);
    const chosen = alice.page.getByRole('list', { name: 'Chosen photos and videos' });
    await chosen.getByText('Uploaded', { exact: true }).waitFor({ timeout: 30_000 });
    await chosen.getByText('Uploaded; it is converted after you post').waitFor({ timeout: 30_000 });
    await alice.page.getByRole('button', { name: 'Post to neighbours' }).click();
    const mine = alice.page.getByRole('article', { name: title });
    // Her post says the video is converting, then shows the player by itself (no reload).
    await mine.getByText('Video processing…').waitFor();
    await mine.locator('video').waitFor({ timeout: 90_000 });

    // Bob's feed: the photo's thumbnail links to the full photo; neither carries EXIF or GPS.
    await bob.page.reload();
    const post = bob.page.getByRole('article', { name: title });
    const thumb = post.getByRole('img', { name: /^Photo 1 of 1/ });
    await thumb.waitFor();
    const full = await thumb.locator('xpath=..').getAttribute('href');
    for (const src of [await thumb.getAttribute('src'), full]) {
      const bytes = await fetchBytes(bob.page, src!);
      expect(bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(true);
      expect(exifGps(bytes)).toBeUndefined();
      expect(jpegSegments(bytes).filter((s) => s.marker >= 0xffe1 && s.marker <= 0xffef)).toEqual([]);
      expect(bytes.includes(Buffer.from('Exif'))).toBe(false);
    }
    expect(await thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

    // The video converts on the job queue; the post says so, then shows a player with a poster.
    const player = post.locator('video');
    await player.waitFor({ timeout: 90_000 });
    expect(await player.getAttribute('poster')).toMatch(/\/thumbnail$/);
    await player.evaluate(
      (v: HTMLVideoElement) =>
        new Promise<void>((resolve, reject) => {
          if (v.readyState >= 1) resolve();
          v.addEventListener(
            'loadedmetadata',
            () => {
              resolve();
            },
            { once: true },
          );
          v.addEventListener(
            'error',
            () => {
              reject(new Error(`video error ${v.error?.code}`));
            },
            {
              once: true,
            },
          );
        }),
    );
    expect(await player.evaluate((v: HTMLVideoElement) => v.duration)).toBeCloseTo(6, 0);
    // Seek: the browser asks for a byte range and lands where it was told.
    const at = await player.evaluate(
      (v: HTMLVideoElement) =>
        new Promise<number>((resolve) => {
          v.addEventListener(
            'seeked',
            () => {
              resolve(v.currentTime);
            },
            { once: true },
          );
          v.currentTime = 4;
        }),
    );
    expect(at).toBeCloseTo(4, 0);
    // Play: time moves on.
    const played = await player.evaluate(async (v: HTMLVideoElement) => {
      v.muted = true;
      const from = v.currentTime;
      await v.play();
      await new Promise((r) => setTimeout(r, 800));
      v.pause();
      return v.currentTime - from;
    });
    expect(played).toBeGreaterThan(0.2);
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  }, 180_000);

  it('posts a vault clip: decrypted in the owner’s browser, uploaded as public video, played by a neighbour', async () => {
    const [alice, bob] = people as [Person, Person];
    const page = alice.page;
    const title = `Parcel taken from the porch ${Date.now().toString(36)}`;
    const file = path.join(dir, 'porch.mp4');
    await owner.makeVideo(file, 4);
    await owner.setUpVault(page);
    await owner.addRequestCamera(page, { name: 'Porch', lat: 45.5152, lng: -122.6784 });
    const clip = await redactNewClip(page, file, 10);
    await clip.getByText('stored unencrypted, outside your vault').waitFor({ timeout: 30_000 });
    await clip.getByRole('button', { name: 'Post unredacted to neighbours' }).click();

    // The composer opens with the clip already going up as this post's video.
    const chosen = page.getByRole('list', { name: 'Chosen photos and videos' });
    await chosen.getByText('Uploaded; it is converted after you post').waitFor({ timeout: 60_000 });
    await page.getByRole('radio', { name: 'Crime' }).check();
    await page.getByLabel('Title').fill(title);
    await page
      .getByLabel('What happened?')
      .fill('A parcel was taken from my porch at noon; the clip shows the van.');
    await page.getByRole('button', { name: 'Post to neighbours' }).click();
    await page.getByRole('article', { name: title }).waitFor();

    // The transcode runs on the server's job queue: wait for it through the author's own view of the post.
    const mediaStatus = () =>
      page.evaluate(async (t) => {
        const res = await fetch('/api/me/posts?limit=20');
        const body = (await res.json()) as {
          items: { title: string; media: { status: string; error: string | null }[] }[];
        };
        const m = body.items.find((p) => p.title === t)?.media[0];
        return m ? `${m.status}${m.error ? `: ${m.error}` : ''}` : 'no media';
      }, title);
    await expect.poll(mediaStatus, { timeout: 90_000, interval: 1000 }).toBe('ready');
    await bob.page.reload();
    const player = bob.page.getByRole('article', { name: title }).locator('video');
    await player.waitFor({ timeout: 90_000 });
    const duration = await player.evaluate(
      (v: HTMLVideoElement) =>
        new Promise<number>((resolve, reject) => {
          if (v.readyState >= 1) resolve(v.duration);
          v.addEventListener(
            'loadedmetadata',
            () => {
              resolve(v.duration);
            },
            { once: true },
          );
          v.addEventListener(
            'error',
            () => {
              reject(new Error(`video error ${v.error?.code}`));
            },
            { once: true },
          );
        }),
    );
    expect(duration).toBeCloseTo(4, 0);
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  }, 300_000);

  it('posts a redacted vault clip: the face the detector found and the plate drawn by hand are blurred for neighbours', async () => {
    const [alice, bob] = people as [Person, Person];
    const page = alice.page;
    const title = `Someone at the door ${Date.now().toString(36)}`;
    const file = path.join(dir, 'doorbell.mp4');
    await makeFaceClip(file);
    // Alice's vault and camera are the previous test's; this clip is newer than its clip.
    const clip = await redactNewClip(page, file, 5);
    const original = clip.getByLabel(/^Original: clip from Porch/);
    await original.waitFor({ timeout: 60_000 });
    const faces = await findFaceAndDrawPlate(page, clip, original, { from: '0.5', to: '3.5' });
    await clip.getByRole('button', { name: 'Render redacted copy' }).click();
    await clip.getByRole('button', { name: 'Use the redacted copy' }).click({ timeout: 150_000 });

    // The composer opens with the redacted copy going up as this post's video.
    const chosen = page.getByRole('list', { name: 'Chosen photos and videos' });
    await chosen.getByText('Uploaded; it is converted after you post').waitFor({ timeout: 60_000 });
    await page.getByRole('radio', { name: 'Crime' }).check();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('What happened?').fill('Someone tried the door at noon and left on foot.');
    await page.getByRole('button', { name: 'Post to neighbours' }).click();
    await page.getByRole('article', { name: title }).waitFor();
    const mediaStatus = () =>
      page.evaluate(async (t) => {
        const res = await fetch('/api/me/posts?limit=20');
        const body = (await res.json()) as { items: { title: string; media: { status: string }[] }[] };
        return body.items.find((p) => p.title === t)?.media[0]?.status ?? 'no media';
      }, title);
    await expect.poll(mediaStatus, { timeout: 90_000, interval: 1000 }).toBe('ready');

    // Bob sees what was redacted, in counts and kinds, and the video he gets has the face and plate blurred.
    await bob.page.reload();
    const post = bob.page.getByRole('article', { name: title });
    await post
      .getByText(
        new RegExp(`^Redacted by its owner before posting: ${faces} faces?, 1 plate and 0 other boxes`),
      )
      .waitFor({ timeout: 90_000 });
    const src = (await post.locator('video').getAttribute('src'))!;
    const posted = path.join(dir, 'posted.mp4');
    await writeFile(posted, await fetchBytes(bob.page, src));
    await expectFaceAndPlateBlurred(file, posted, 1, 0.5);
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  }, 420_000);
});
