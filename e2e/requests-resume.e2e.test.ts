import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity, wrapIdentity } from '../packages/age/src/node.js';
import { openBrowser, signIn, type Person } from './support/browser.js';
import { agencyApi } from './support/requests-agency.js';
import * as owner from './support/requests-owner.js';
import { startServer, type RunningServer } from './support/server.js';

const run = promisify(execFile);
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
/** Bytes per tus PATCH in the web app: 16 sealed age chunks. */
const PATCH_SIZE = 16 * (65_536 + 16);
const CLIP_BYTES = 3 * 1024 * 1024 + 12_345;
const CASE = 'PPB-RESUME-1';
const CASE_2 = 'PPB-RESUME-2';
/** Where Alice's camera is; every request here covers a small square around it. */
const [LAT, LNG] = [45.5152, -122.6784];

/** The unfinished shares this browser stored (IndexedDB), byte fields as plain arrays. */
async function storedShares(page: Page) {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const q = indexedDB.open('porchlight-shares', 1);
      q.onupgradeneeded = () => q.result.createObjectStore('pending', { keyPath: 'key' });
      q.onsuccess = () => {
        resolve(q.result);
      };
      q.onerror = () => {
        reject(new Error('no IndexedDB'));
      };
    });
    const all = await new Promise<Record<string, unknown>[]>((resolve) => {
      const q = db.transaction('pending').objectStore('pending').getAll();
      q.onsuccess = () => {
        resolve(q.result as Record<string, unknown>[]);
      };
    });
    db.close();
    const bytes = (v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v);
    return all.map((s) => ({
      ...s,
      head: bytes(s.head) as number[] | null,
      keptKey: bytes(s.keptKey) as number[] | null,
    })) as {
      key: string;
      clipId: unknown;
      source: string;
      head: number[] | null;
      keptKey: number[] | null;
      uploadUrl: string | null;
      sent: number;
      chunkSize: number;
      ciphertextBytes: number;
    }[];
  });
}

/** What the server has of a tus upload: its offset, or the HEAD status when it is gone. */
async function serverOffset(page: Page, uploadUrl: string): Promise<{ status: number; offset: number }> {
  return page.evaluate(async (url) => {
    const res = await fetch(url, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
    return { status: res.status, offset: Number(res.headers.get('Upload-Offset') ?? -1) };
  }, uploadUrl);
}

/**
 * Lets `allowed` disclosure PATCHes through, then holds every later one unanswered, so a reload lands mid-upload
 * at a known server offset. `release()` aborts the held ones (the page that sent them is gone).
 */
async function holdUploadsAfter(page: Page, allowed: number) {
  const held: Route[] = [];
  let left = allowed;
  const matcher = (url: URL) => url.pathname.startsWith('/api/uploads/');
  const handler = async (route: Route) => {
    if (route.request().method() !== 'PATCH') return route.continue();
    if (left > 0) {
      left--;
      return route.continue();
    }
    held.push(route);
  };
  await page.route(matcher, handler);
  return {
    held,
    release: async () => {
      await page.unroute(matcher, handler);
      await Promise.all(held.map((r) => r.abort().catch(() => undefined)));
    },
  };
}

/**
 * Lets `allowed` disclosure PATCHes through, then fails every later one as a dropped connection would, until
 * `restore()`: tus retries (HEAD, then PATCH again) until it gives up, with the page left open.
 */
async function failUploadsAfter(page: Page, allowed: number) {
  let left = allowed;
  let failed = 0;
  const matcher = (url: URL) => url.pathname.startsWith('/api/uploads/');
  const handler = async (route: Route) => {
    if (route.request().method() !== 'PATCH') return route.continue();
    if (left > 0) {
      left--;
      return route.continue();
    }
    failed++;
    return route.abort('connectionfailed');
  };
  await page.route(matcher, handler);
  return {
    failed: () => failed,
    restore: () => page.unroute(matcher, handler),
  };
}

/** Records every disclosure PATCH's offsets (from, to) from now on. */
function recordPatches(page: Page): { from: number; to: number }[] {
  const patches: { from: number; to: number }[] = [];
  page.on('requestfinished', (request) => {
    if (request.method() !== 'PATCH' || !new URL(request.url()).pathname.startsWith('/api/uploads/')) return;
    void request.response().then(async (res) => {
      const from = Number((await request.allHeaders())['upload-offset']);
      const to = Number(res?.headers()['upload-offset']);
      patches.push({ from, to });
    });
  });
  return patches;
}

/** Waits until the stored share has its upload URL and the server holds exactly `offset` bytes of it. */
async function untilServerHas(page: Page, offset: number) {
  let share: Awaited<ReturnType<typeof storedShares>>[number] | undefined;
  await expect
    .poll(
      async () => {
        [share] = await storedShares(page);
        return share?.uploadUrl ? (await serverOffset(page, share.uploadUrl)).offset : -1;
      },
      { timeout: 120_000, interval: 250 },
    )
    .toBe(offset);
  return share!;
}

/** A request for the two hours before `top` over a small square around the camera, published through the API. */
function requestBody(caseNumber: string, top: Date, lat: number, lng: number) {
  return {
    caseNumber,
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
          [lng - 0.0025, lat - 0.0025],
          [lng + 0.0025, lat - 0.0025],
          [lng + 0.0025, lat + 0.0025],
          [lng - 0.0025, lat + 0.0025],
          [lng - 0.0025, lat - 0.0025],
        ],
      ],
    },
    windowStart: new Date(top.getTime() - 2 * 3600_000).toISOString(),
    windowEnd: top.toISOString(),
    exigent: false,
  };
}

/*
 * Issue "Footage requests": a share of a multi-megabyte clip survives a reload. The upload is held after two
 * PATCHes, the page reloads (the vault locks, the worker and its keys are gone), Alice unlocks and resumes: only
 * the rest is sent, and the agency's copy decrypts with the `age` CLI to her clip byte for byte. Discarding ends
 * the upload on the server; a request closed meanwhile discards it with a message.
 */
describe('a footage-request share resumes after a reload', () => {
  let server: RunningServer | undefined;
  let alice: Person | undefined;
  let agency: Awaited<ReturnType<typeof agencyApi>> | undefined;
  let member: { identity: string; recipient: string } | undefined;
  let requestId = '';
  let work = '';
  let clip: Buffer = Buffer.alloc(0);
  let top = new Date();
  const publish = (caseNumber: string) =>
    agency!('POST', '/api/requests', requestBody(caseNumber, top, LAT, LNG));
  /** The agency's list of a request's disclosures, once it has `count` of them. */
  const agencyDisclosures = async (id: string, count: number) => {
    let items: { id: string; ciphertextSha256: string }[] = [];
    for (let i = 0; i < 60 && items.length < count; i++) {
      const res = await agency!('GET', `/api/requests/${id}/disclosures`);
      items = ((await res.json()) as { items: typeof items }).items;
      if (items.length < count) await new Promise((r) => setTimeout(r, 500));
    }
    return items;
  };

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'porchlight-e2e-resume-'));
    clip = randomBytes(CLIP_BYTES);
    await writeFile(path.join(work, 'porch.mp4'), clip);
    [server, alice] = await Promise.all([startServer(300_000), openBrowser({ width: 1280, height: 900 })]);
    alice.context.setDefaultTimeout(60_000);
    // Starting the built server and Chromium takes minutes on a loaded machine.
  }, 300_000);

  afterAll(async () => {
    await alice?.close();
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  }, 30_000);

  it('sends only the rest after a reload, and the agency decrypts the original bytes', async () => {
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

    await signIn(page, url, owner.OWNER_EMAIL);
    await owner.setUpVault(page);
    const [lat, lng] = [LAT, LNG];
    await owner.addRequestCamera(page, { name: 'Porch', lat, lng });
    top = new Date();
    top.setMinutes(0, 0, 0);
    const start = new Date(top.getTime() - 30 * 60_000);
    await owner.uploadClip(
      page,
      {
        file: path.join(work, 'porch.mp4'),
        camera: 'Porch',
        start,
        seconds: 60,
      },
      240_000,
    );
    const published = await publish(CASE);
    expect(published.status).toBe(201);
    requestId = ((await published.json()) as { id: string }).id;
    await owner.reviewRequest(page, CASE);

    // Two PATCHes reach the server, the third waits: the reload lands mid-upload.
    const preview = await owner.prepareShare(page);
    expect(preview.clips[0]!.plaintextSha256).toBe(sha256(clip));
    const hold = await holdUploadsAfter(page, 2);
    await page.getByRole('button', { name: 'Send this clip' }).click();
    const before = await untilServerHas(page, 2 * PATCH_SIZE);
    const size = before.ciphertextBytes;
    expect(2 * PATCH_SIZE).toBeGreaterThan(0);
    expect(2 * PATCH_SIZE).toBeLessThan(size);
    // The third PATCH is waiting when the page reloads.
    await expect.poll(() => hold.held.length, { timeout: 60_000 }).toBeGreaterThan(0);

    // What this browser keeps: the public head, the file key sealed to Alice's vault key (an age file the
    // agency's key does not open), the upload URL, the offset; the clip id as opaque text.
    await expect
      .poll(async () => (await storedShares(page))[0]?.sent, { timeout: 30_000 })
      .toBe(2 * PATCH_SIZE);
    expect(before).toMatchObject({ source: 'vault', chunkSize: PATCH_SIZE });
    expect(typeof before.clipId).toBe('string');
    const kept = Buffer.from(before.keptKey!);
    expect(kept.subarray(0, 40).toString('latin1')).toMatch(/^age-encryption\.org\/v1\n-> X25519 /);
    await writeFile(path.join(work, 'member.txt'), `${member.identity}\n`);
    await writeFile(path.join(work, 'kept.age'), kept);
    await expect(
      run('age', ['-d', '-i', path.join(work, 'member.txt'), path.join(work, 'kept.age')]),
    ).rejects.toThrow();

    await page.reload();
    await hold.release();
    const patches = recordPatches(page);
    await owner.reviewRequest(page, CASE);
    const percent = Math.floor((2 * PATCH_SIZE * 100) / size);
    await page.getByRole('button', { name: `Resume sharing (${percent} % sent)` }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Shared the rest of the clip\./ })
      .waitFor({ timeout: 120_000 });
    expect(await storedShares(page)).toEqual([]);

    // Only the rest went: every PATCH after the reload continued from the server's offset.
    await expect.poll(() => patches.reduce((n, p) => n + (p.to - p.from), 0)).toBe(size - 2 * PATCH_SIZE);
    expect(Math.min(...patches.map((p) => p.from))).toBe(2 * PATCH_SIZE);

    // The agency's copy: the same head, and the age CLI opens it to Alice's bytes.
    let items: { id: string; ciphertextSha256: string }[] = [];
    for (let i = 0; i < 60 && items.length === 0; i++) {
      items = (
        (await (await agency('GET', `/api/requests/${requestId}/disclosures`)).json()) as {
          items: typeof items;
        }
      ).items;
      if (items.length === 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(items).toHaveLength(1);
    const ciphertext = Buffer.from(
      await (await agency('GET', `/api/disclosures/${items[0]!.id}/ciphertext`)).arrayBuffer(),
    );
    expect(ciphertext.length).toBe(size);
    expect(sha256(ciphertext)).toBe(preview.clips[0]!.ciphertextSha256);
    expect(ciphertext.subarray(0, before.head!.length).equals(Buffer.from(before.head!))).toBe(true);
    await writeFile(path.join(work, 'disclosure.age'), ciphertext);
    const out = path.join(work, 'out.mp4');
    await run('age', [
      '-d',
      '-i',
      path.join(work, 'member.txt'),
      '-o',
      out,
      path.join(work, 'disclosure.age'),
    ]);
    expect(sha256(await readFile(out))).toBe(sha256(clip));
    expect(alice!.errors).toEqual([]);
  }, 400_000);

  it('Discard ends the upload on the server; a request closed meanwhile discards it and says so', async () => {
    const page = alice!.page;
    const interrupted = async () => {
      await owner.prepareShare(page);
      const hold = await holdUploadsAfter(page, 1);
      await page.getByRole('button', { name: 'Send this clip' }).click();
      const share = await untilServerHas(page, PATCH_SIZE);
      await expect.poll(() => hold.held.length, { timeout: 60_000 }).toBeGreaterThan(0);
      await page.reload();
      await hold.release();
      return share;
    };

    const first = await interrupted();
    await owner.reviewRequest(page, CASE);
    await page
      .getByRole('list', { name: 'Unfinished shares' })
      .getByRole('button', { name: 'Discard' })
      .click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Discarded\./ })
      .waitFor();
    expect(await storedShares(page)).toEqual([]);
    expect((await serverOffset(page, first.uploadUrl!)).status).toBe(404);

    await owner.reviewRequest(page, CASE);
    const second = await interrupted();
    const closed = await agency!('POST', `/api/requests/${requestId}/close`, {
      reason: 'Suspects identified.',
    });
    expect(closed.status).toBeLessThan(300);
    await page.reload();
    await page
      .getByRole('status')
      .filter({ hasText: /^Your unfinished share of 1 clip was discarded: this request is no longer open/ })
      .waitFor({ timeout: 60_000 });
    expect(await storedShares(page)).toEqual([]);
    expect((await serverOffset(page, second.uploadUrl!)).status).toBe(404);
    // Only the one disclosure from the first test exists.
    const listed = (await (await agency!('GET', `/api/requests/${requestId}/disclosures`)).json()) as {
      items: unknown[];
    };
    expect(listed.items).toHaveLength(1);
  }, 400_000);
  it('keeps a share the connection gave up on, resumes it without a reload, and ends the old upload when the clip is shared again instead', async () => {
    const page = alice!.page;
    const published = await publish(CASE_2);
    expect(published.status).toBe(201);
    const secondId = ((await published.json()) as { id: string }).id;
    await owner.reviewRequest(page, CASE_2);
    const resumeButton = page
      .getByRole('list', { name: 'Unfinished shares' })
      .getByRole('button', { name: /^Resume sharing/ });

    /** Sends the prepared clip; the connection fails after one PATCH until tus gives up (page left open). */
    const givenUp = async () => {
      const network = await failUploadsAfter(page, 1);
      await page.getByRole('button', { name: 'Send this clip' }).click();
      const share = await untilServerHas(page, PATCH_SIZE);
      // While tus is still retrying the share is being sent, not unfinished: nothing offers to resume it.
      await expect.poll(network.failed, { timeout: 60_000 }).toBeGreaterThan(0);
      expect(await resumeButton.count()).toBe(0);
      await page
        .getByRole('alert')
        .filter({ hasText: 'Sending stopped: the connection gave up' })
        .waitFor({ timeout: 90_000 });
      // Kept, not discarded: the record in this browser and the part on the server.
      expect(await storedShares(page)).toMatchObject([
        { key: share.key, uploadUrl: share.uploadUrl, sent: PATCH_SIZE },
      ]);
      expect(await serverOffset(page, share.uploadUrl!)).toEqual({ status: 200, offset: PATCH_SIZE });
      await network.restore();
      return share;
    };

    // 1. Given up with the page open, then resumed from the same page: only the rest is sent.
    await owner.prepareShare(page);
    const first = await givenUp();
    const size = first.ciphertextBytes;
    const patches = recordPatches(page);
    await resumeButton
      .filter({ hasText: `Resume sharing (${Math.floor((PATCH_SIZE * 100) / size)} % sent)` })
      .click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Shared the rest of the clip\./ })
      .waitFor({ timeout: 120_000 });
    expect(await storedShares(page)).toEqual([]);
    await expect.poll(() => patches.reduce((n, p) => n + (p.to - p.from), 0)).toBe(size - PATCH_SIZE);
    expect(Math.min(...patches.map((p) => p.from))).toBe(PATCH_SIZE);
    const [resumed] = await agencyDisclosures(secondId, 1);
    const ciphertext = Buffer.from(
      await (await agency!('GET', `/api/disclosures/${resumed!.id}/ciphertext`)).arrayBuffer(),
    );
    expect(ciphertext.length).toBe(size);
    await writeFile(path.join(work, 'resumed.age'), ciphertext);
    const out = path.join(work, 'resumed.mp4');
    await run('age', ['-d', '-i', path.join(work, 'member.txt'), '-o', out, path.join(work, 'resumed.age')]);
    expect(sha256(await readFile(out))).toBe(sha256(clip));

    // 2. Given up again, and the same clip shared anew instead of resumed: the old partial upload is
    // terminated on the server first, and only the new share is kept or sent.
    await owner.prepareShare(page);
    const stale = await givenUp();
    await owner.prepareShare(page);
    await owner.sendShare(page);
    expect((await serverOffset(page, stale.uploadUrl!)).status).toBe(404);
    expect(await storedShares(page)).toEqual([]);
    expect(await resumeButton.count()).toBe(0);
    const both = await agencyDisclosures(secondId, 2);
    expect(both).toHaveLength(2);
    expect(alice!.errors).toEqual([]);
  }, 400_000);
});
