import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generateIdentity, wrapIdentity } from '../packages/age/src/node.js';
import { openBrowser, signIn, type Person } from './support/browser.js';
import { agencyApi } from './support/requests-agency.js';
import { expectFaceAndPlateBlurred, findFaceAndDrawPlate, makeFaceClip } from './support/redact.js';
import * as owner from './support/requests-owner.js';
import { navTo } from './support/header.js';
import { startServer, type RunningServer } from './support/server.js';

const run = promisify(execFile);
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/*
 * The camera owner's side of a footage request in Chromium on a phone-sized screen (issue 8, §5–6): the
 * request reaches Alice's inbox live, she plays her own clip from its window, her browser refuses an agency
 * key the server swapped in, then verifies the real keys in the transparency log, shows exactly what the
 * agency will get, and shares. The agency's copy decrypts with the member's identity and the `age` CLI to
 * the very bytes of her clip; once downloaded it cannot be taken back, and a second copy can be.
 */

/** The elements sticking out past the phone's width, for a failure message that says what to fix. */
const overflowing = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('body *'))
      .filter(
        (el) =>
          el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 &&
          // The navigation row scrolls inside itself; what sticks out of it does not widen the page.
          el.closest('.app-nav') === null,
      )
      .map(
        (el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`,
      )
      .slice(-6),
  );

describe('answering a footage request as a camera owner', () => {
  let server: RunningServer | undefined;
  let alice: Person | undefined;
  let work = '';
  let video = '';
  // Set by the first test, used by the second (the same server, request and member key).
  let requestId = '';
  let member: { identity: string; recipient: string } | undefined;
  let agency: Awaited<ReturnType<typeof agencyApi>> | undefined;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'porchlight-e2e-owner-'));
    video = path.join(work, 'porch.mp4');
    // A clip with a face the detector finds and a licence plate the owner boxes by hand.
    await makeFaceClip(video);
    [server, alice] = await Promise.all([startServer(), openBrowser({ width: 390, height: 844 })]);
    // Key wrapping (scrypt) and software-rendered video are slow on a busy CI machine.
    alice.context.setDefaultTimeout(60_000);
  }, 120_000);

  afterAll(async () => {
    await alice?.close();
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  }, 30_000);

  it('gets the request live, refuses a swapped key, shares a verified copy the agency can decrypt', async () => {
    const url = server!.url;
    const page = alice!.page;
    agency = await agencyApi(url);
    member = await generateIdentity();
    const keyRes = await agency('PUT', '/api/agency/keys', {
      recipient: member.recipient,
      wrappedIdentity: await wrapIdentity(member.identity, 'lantern orbit meadow quartz'),
      recoveryWrappedIdentity: await wrapIdentity(member.identity, 'recovery lantern orbit meadow'),
    });
    expect(keyRes.status).toBe(200);

    // Alice: a vault, a camera downtown that accepts requests (one privacy zone), a clip from 30 min before
    // the hour (the request's window ends at the top of the hour).
    await signIn(page, url, owner.OWNER_EMAIL);
    await owner.setUpVault(page);
    await owner.addRequestCamera(page, {
      name: 'Porch',
      lat: 45.5152,
      lng: -122.6784,
      privacyZones: ['0,0,0.3,0,0.3,0.2'],
    });
    const top = new Date();
    top.setMinutes(0, 0, 0);
    const start = new Date(top.getTime() - 30 * 60_000);
    await owner.uploadClip(page, {
      file: video,
      camera: 'Porch',
      start,
      seconds: 4,
    });
    await navTo(page, /^Inbox/);
    await page.getByText('No open requests for your cameras.').waitFor();
    expect(await page.title()).toBe('Inbox · Porchlight');

    // The agency publishes a 550 m square around the camera; Alice's badge and inbox update without a reload.
    const d = 0.0025;
    const [lat, lng] = [45.5152, -122.6784];
    const published = await agency('POST', '/api/requests', {
      caseNumber: 'PPB-OWNER-1',
      offenseCategory: 'burglary',
      legalBasis: 'warrant',
      investigatorName: 'Det. R. Alvarez',
      investigatorContact: 'ralvarez@central-precinct.example',
      narrative:
        'Residential burglary on SW Alder St; two people left on foot carrying a television northbound.',
      area: {
        type: 'Polygon',
        coordinates: [
          [
            [lng - d, lat - d],
            [lng + d, lat - d],
            [lng + d, lat + d],
            [lng - d, lat + d],
            [lng - d, lat - d],
          ],
        ],
      },
      windowStart: new Date(top.getTime() - 2 * 3600_000).toISOString(),
      windowEnd: top.toISOString(),
      exigent: false,
    });
    expect(published.status).toBe(201);
    requestId = ((await published.json()) as { id: string }).id;
    await owner.waitForInboxBadge(page, 1);
    const entry = await owner.inboxEntry(page, 'PPB-OWNER-1');
    await entry.getByText(/Passed every rule of the .* request policy, version \d+/).waitFor();
    await entry.getByText('Your cameras in the area: Porch').waitFor();
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth),
      (await overflowing(page)).join(', '),
    ).toBeLessThanOrEqual(390);

    // Her own clip from the window plays here, decrypted by the vault's service worker.
    await owner.reviewRequest(page, 'PPB-OWNER-1');
    // The page proves the request's request.published entry against the log before she decides.
    await page.getByText(/Verified in this browser against the log’s checkpoint of \d+ entries/).waitFor();
    await owner.playWindowClip(page);

    // The server lists an operator's key under the log index of the member's real one: refused, nothing sent.
    const operator = await generateIdentity();
    await page.route('**/api/agencies/*/recipients', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { items: { recipient: string }[] };
      body.items = body.items.map((i) => ({ ...i, recipient: operator.recipient }));
      await route.fulfill({ response: res, json: body });
    });
    await page
      .getByRole('list', { name: 'Your clips from the requested time' })
      .getByRole('checkbox')
      .first()
      .check();
    await page.getByRole('button', { name: 'Prepare to share' }).click();
    expect(await owner.keyRefusal(page)).toMatch(/does not add this key to this agency.*nothing was shared/);
    await page.unroute('**/api/agencies/*/recipients');
    const mine = async () =>
      page.evaluate(
        async () => ((await (await fetch('/api/disclosures/mine')).json()) as { items: unknown[] }).items,
      );
    expect(await mine()).toEqual([]);

    // The real keys verify; the preview states the manifest exactly.
    const clipBytes = await readFile(video);
    const preview = await owner.prepareShare(page, { coarseCell: true });
    expect(preview.keys).toEqual([member.recipient]);
    expect(preview.clips[0]!.redaction).toBe('none: the clip as stored');
    expect(preview.clips).toHaveLength(1);
    expect(preview.clips[0]).toMatchObject({ plaintextSha256: sha256(clipBytes), zones: '1' });
    expect(preview.clips[0]!.cameraArea).toMatch(/^88[0-9a-f]{13}$/);
    await owner.sendShare(page);
    await owner
      .sharedClips(page)
      .first()
      .getByText(/^Log entry \d+$/)
      .waitFor({ timeout: 60_000 });
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth),
      (await overflowing(page)).join(', '),
    ).toBeLessThanOrEqual(390);

    // The agency downloads it once sequenced: age ciphertext that the member's identity opens with the CLI,
    // giving Alice's clip byte for byte, with the hash the preview showed.
    let disclosures: { id: string; ciphertextSha256: string }[] = [];
    for (let i = 0; i < 60 && disclosures.length === 0; i++) {
      const res = await agency('GET', `/api/requests/${requestId}/disclosures`);
      disclosures = ((await res.json()) as { items: typeof disclosures }).items;
      if (disclosures.length === 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(disclosures).toHaveLength(1);
    const ciphertext = Buffer.from(
      await (await agency('GET', `/api/disclosures/${disclosures[0]!.id}/ciphertext`)).arrayBuffer(),
    );
    expect(sha256(ciphertext)).toBe(preview.clips[0]!.ciphertextSha256);
    await writeFile(path.join(work, 'member.txt'), `${member.identity}\n`);
    await writeFile(path.join(work, 'disclosure.age'), ciphertext);
    await run('age', [
      '-d',
      '-i',
      path.join(work, 'member.txt'),
      '-o',
      path.join(work, 'out.mp4'),
      path.join(work, 'disclosure.age'),
    ]);
    expect(sha256(await readFile(path.join(work, 'out.mp4')))).toBe(sha256(clipBytes));

    // Downloaded: no taking it back. A second copy, not downloaded, can be taken back.
    await page.reload();
    await owner.reviewRequest(page, 'PPB-OWNER-1');
    const first = owner.sharedClips(page).first();
    await first.getByText('the agency has downloaded it').waitFor();
    expect(await first.getByRole('button', { name: 'Take back' }).count()).toBe(0);
    await owner.prepareShare(page);
    await owner.sendShare(page);
    await expect.poll(() => owner.sharedClips(page).count()).toBe(2);
    await owner.takeBackFirst(page);
    await page.getByText('Taken back', { exact: true }).waitFor();
    expect(alice!.errors).toEqual([]);
  }, 300_000);

  // Issue 11: the owner trims and blurs before sharing; the agency gets only the redacted copy.
  it('shares a trimmed copy with the detected face and a plate box she drew blurred; the agency decrypts exactly that copy, listed in its manifest', async () => {
    const page = alice!.page;
    const call = agency!;
    await page.reload();
    await owner.reviewRequest(page, 'PPB-OWNER-1');
    const clip = page
      .getByRole('list', { name: 'Your clips from the requested time' })
      .getByRole('listitem')
      .first();
    await clip.getByRole('button', { name: 'Redact before sharing' }).click();
    // The detector boxes the face; Alice boxes the licence plate by hand and keeps 0.5 s to 3.5 s.
    const original = clip.getByLabel(/^Original: clip from Porch/);
    await original.waitFor();
    const faces = await findFaceAndDrawPlate(page, clip, original, { from: '0.5', to: '3.5' });
    await clip.getByRole('button', { name: 'Render redacted copy' }).click();
    const link = clip.getByRole('link', { name: 'Download redacted copy' });
    await link.waitFor({ timeout: 150_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const redactedFile = path.join(work, 'redacted.mp4');
    await download.saveAs(redactedFile);
    const redacted = await readFile(redactedFile);
    await clip.getByRole('button', { name: 'Use the redacted copy' }).click();
    await clip
      .getByText(
        new RegExp(
          `^A redacted copy will be shared, not the clip: ${faces} faces?, 1 plate and 0 other boxes blurred`,
        ),
      )
      .waitFor();

    // The preview states the copy's hash and the redaction; the capture times are narrowed to what was kept.
    const preview = await owner.prepareShare(page);
    expect(preview.clips).toHaveLength(1);
    expect(preview.clips[0]!.plaintextSha256).toBe(sha256(redacted));
    expect(preview.clips[0]!.plaintextSha256).not.toBe(sha256(await readFile(video)));
    expect(preview.clips[0]!.redaction).toMatch(
      new RegExp(`^${faces} faces?, 1 plate and 0 other boxes blurred; kept 0\\.5–3\\.5 s`),
    );
    await owner.sendShare(page);

    // The agency's copy decrypts, with the member's key and the age CLI, to the redacted bytes; its manifest
    // lists the privacy zone and the owner's redaction (counts and kinds, no coordinates).
    type Listed = {
      id: string;
      plaintextSha256: string;
      captureStart: string;
      captureEnd: string;
      redactions: unknown[];
    };
    let copy: Listed | undefined;
    for (let i = 0; i < 60 && !copy; i++) {
      const res = await call('GET', `/api/requests/${requestId}/disclosures`);
      copy = ((await res.json()) as { items: Listed[] }).items.find(
        (d) => d.plaintextSha256 === sha256(redacted),
      );
      if (!copy) await new Promise((r) => setTimeout(r, 500));
    }
    expect(copy).toBeDefined();
    expect(copy!.redactions).toEqual([
      { kind: 'privacy_zone', zone: '0,0,0.3,0,0.3,0.2' },
      {
        kind: 'owner_redaction',
        summary: {
          version: 1,
          trimmed: { start: 0.5, end: 3.5 },
          blur: 'gaussian',
          regions: { face: faces, plate: 1, manual: 0 },
          placedBy: { detector: faces, frigate: 0, owner: 1 },
          frameBlurSeconds: 0,
          muted: false,
        },
      },
    ]);
    expect(Date.parse(copy!.captureEnd) - Date.parse(copy!.captureStart)).toBe(3000);
    const ciphertext = Buffer.from(
      await (await call('GET', `/api/disclosures/${copy!.id}/ciphertext`)).arrayBuffer(),
    );
    await writeFile(path.join(work, 'member.txt'), `${member!.identity}\n`);
    await writeFile(path.join(work, 'redacted.age'), ciphertext);
    await run('age', [
      ...['-d', '-i', path.join(work, 'member.txt')],
      ...['-o', path.join(work, 'agency-copy.mp4'), path.join(work, 'redacted.age')],
    ]);
    expect(sha256(await readFile(path.join(work, 'agency-copy.mp4')))).toBe(sha256(redacted));
    const { stdout } = await run('ffprobe', [
      ...['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0'],
      path.join(work, 'agency-copy.mp4'),
    ]);
    expect(Number(stdout.trim())).toBeGreaterThan(2.8);
    expect(Number(stdout.trim())).toBeLessThan(3.3);
    // One second into the agency's copy (1.5 s into the clip) the face and the plate have lost their detail
    // and the rest of the picture has not.
    await expectFaceAndPlateBlurred(video, path.join(work, 'agency-copy.mp4'), 1, 0.5);
    expect(alice!.errors).toEqual([]);
  }, 420_000);
});
