import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrapIdentity } from '../packages/age/src/node.js';
import { openBrowser, reloadUntilVisible, signIn, type Person } from './support/browser.js';
import {
  AGENCY_EMAIL,
  AGENCY_PASSPHRASE,
  fillRequest,
  openRequestForm,
  playDisclosure,
  publishedRequestId,
  refusedRules,
  setUpAgencyKey,
  squareAround,
  submitRequest,
  type RequestInput,
} from './support/requests-agency.js';
import * as owner from './support/requests-owner.js';
import { startServer, type RunningServer } from './support/server.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../packages/cli/dist/main.js');

/*
 * Footage requests end to end (issue 8). The demo agency's member sets up their agency key in the browser,
 * files a request the policy refuses — every broken rule named beside its field — fixes it and publishes it.
 * Alice, whose camera is in the area, gets it live and shares her clip; the member decrypts and plays it in
 * the browser and exports the evidence archive, which the CLI verifies offline. A visitor with no account, on
 * a phone-sized screen, finds the request in the public list and reads its page: the fields, the coarse
 * cells, the status, the clip count and the log entry with its proof.
 */
describe('footage requests, end to end', () => {
  let server: RunningServer | undefined;
  const people: Person[] = [];
  let work = '';
  let video = '';

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'porchlight-e2e-requests-'));
    video = path.join(work, 'porch.mp4');
    await owner.makeVideo(video);
    server = await startServer();
    people.push(
      ...(await Promise.all([
        openBrowser(),
        openBrowser({ width: 390, height: 844 }),
        openBrowser({ width: 390, height: 844 }),
      ])),
    );
    // Key wrapping (scrypt) and software-rendered video are slow on a busy CI machine.
    for (const p of people) p.context.setDefaultTimeout(60_000);
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled(people.map((p) => p.close()));
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  }, 30_000);

  it('refuses a request with every broken rule named, publishes the fixed one, and shows it to the public', async () => {
    const [agency, visitor, alice] = people as [Person, Person, Person];
    const url = server!.url;
    const tag = Date.now().toString(36).toUpperCase();
    const caseNumber = `PPB-${tag}`;

    // The member's key, and Alice's vault, camera downtown (accepting requests) and a clip from half an hour
    // before the hour — inside the form's default window, which ends at the top of the hour.
    await Promise.all([
      (async () => {
        await signIn(agency.page, url, AGENCY_EMAIL);
        await setUpAgencyKey(agency.page);
      })(),
      (async () => {
        await signIn(alice.page, url, owner.OWNER_EMAIL);
        await owner.setUpVault(alice.page);
        await owner.addRequestCamera(alice.page, { name: 'Porch', lat: 45.5152, lng: -122.6784 });
        const top = new Date();
        top.setMinutes(0, 0, 0);
        const start = new Date(top.getTime() - 30 * 60_000);
        await owner.uploadClip(alice.page, {
          file: video,
          camera: 'Porch',
          start,
          seconds: 4,
        });
      })(),
    ]);

    // First attempt: a 60 m square (one house, below the policy's minimum area) and a narrative naming
    // immigration enforcement (a prohibited purpose).
    const bad: RequestInput = {
      caseNumber,
      offense: 'Burglary',
      legalBasis: 'Warrant',
      investigatorName: 'Det. R. Alvarez',
      investigatorContact: 'ralvarez@central-precinct.example',
      narrative: 'Looking for a person of interest in an immigration case who was seen near the corner.',
      corners: squareAround(45.5152, -122.6784, 60),
    };
    await openRequestForm(agency.page);
    const form = agency.page.getByRole('form', { name: 'Footage request' });
    // Clicking the map adds corners and measures the area as it grows (clicks before the map has loaded
    // are lost, so the first one is repeated until it counts).
    const canvas = form
      .getByRole('region', { name: 'Draw the requested area', exact: true })
      .locator('canvas');
    const readout = form.getByTestId('area-readout');
    const at = async (x: number, y: number) => {
      const box = (await canvas.boundingBox())!;
      await canvas.click({ position: { x: box.width * x, y: box.height * y } });
    };
    await expect
      .poll(
        async () => {
          await at(0.4, 0.4);
          return readout.textContent();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toMatch(/^[12] of at least 3 corners$/);
    await form.getByRole('button', { name: 'Clear area' }).click();
    for (const [x, y] of [
      [0.4, 0.4],
      [0.6, 0.4],
      [0.5, 0.6],
    ] as const)
      await at(x, y);
    await readout.filter({ hasText: /^Area: [\d,]+ m² \([\d.]+ mi²\) · 3 corners$/ }).waitFor();
    await fillRequest(agency.page, bad);
    // The browser runs the policy's own checker as the member types, and shows the area as it is drawn.
    await form
      .getByTestId('policy-check')
      .filter({ hasText: /Breaks 2 rules/ })
      .waitFor();
    expect(await form.getByTestId('area-readout').textContent()).toMatch(
      /^Area: 3,\d{3} m² \(0\.001\d+ mi²\) · 4 corners$/,
    );
    await submitRequest(agency.page);
    expect((await refusedRules(agency.page)).sort()).toEqual(['area_too_small', 'prohibited_purpose']);
    // Each rule is shown beside the field that fixes it, with the policy version that states it.
    await form.getByText(/prohibited_purpose, policy v\d+/).waitFor();
    await form.getByText(/area_too_small, policy v\d+/).waitFor();

    // Fixed: a 400 m square and a narrative about the burglary itself.
    await fillRequest(agency.page, {
      ...bad,
      narrative:
        'Residential burglary on SW Alder St; two people left on foot carrying a television northbound.',
      corners: squareAround(45.5152, -122.6784, 400),
    });
    await form
      .getByTestId('policy-check')
      .filter({ hasText: /^Meets portland-or policy version \d+\.$/ })
      .waitFor();
    await submitRequest(agency.page);
    const id = await publishedRequestId(agency.page);
    expect(id).toMatch(/^rq_[A-Za-z0-9_-]{22}$/);
    await agency.page.getByRole('heading', { level: 1, name: `Burglary — case ${caseNumber}` }).waitFor();
    expect(await agency.page.getByTestId('received-count').textContent()).toBe('0');
    expect(await agency.page.title()).toBe(`Agency view: case ${caseNumber} · Porchlight`);

    // A visitor with no account finds it in the public list, on a phone.
    await visitor.page.goto(`${url}/requests`);
    await visitor.page.getByRole('heading', { name: 'Footage requests', level: 1 }).waitFor();
    expect(await visitor.page.title()).toBe('Footage requests · Porchlight');
    const item = visitor.page.getByRole('article', {
      name: 'Burglary — Portland Police Bureau, Central Precinct',
    });
    await item.getByText(`Case ${caseNumber}`, { exact: false }).waitFor();
    await item.getByText('Open', { exact: true }).waitFor();
    await item.getByRole('link').click();
    await visitor.page.waitForURL(`${url}/requests/${id}`);
    await visitor.page.getByRole('heading', { level: 1, name: `Burglary — case ${caseNumber}` }).waitFor();
    await visitor.page.getByText('Residential burglary on SW Alder St', { exact: false }).waitFor();
    expect(await visitor.page.getByTestId('disclosures-count').textContent()).toBe('0');
    // The exact outline and the investigator stay with the agency; the public sees cells.
    expect(await visitor.page.getByText('Det. R. Alvarez').count()).toBe(0);
    expect(await visitor.page.getByText('ralvarez@central-precinct.example').count()).toBe(0);
    await visitor.page.getByText('Cell identifiers (H3, resolution 8)').click();
    expect(await visitor.page.locator('.cell-list li').count()).toBeGreaterThan(0);

    // Its request.published entry, once sequenced, links to a c2sp.org/tlog-proof document.
    const proofLink = visitor.page.getByRole('link', { name: 'Inclusion proof' });
    await reloadUntilVisible(visitor.page, proofLink, 'the inclusion proof link');
    const proof = await visitor.page.request.get(`${url}${(await proofLink.getAttribute('href'))!}`);
    expect(proof.status()).toBe(200);
    expect(await proof.text()).toContain('c2sp.org/tlog-proof');

    // Alice gets it live, and shares her clip (her browser verifies the member's key against the log).
    await owner.waitForInboxBadge(alice.page, 1);
    await owner.reviewRequest(alice.page, caseNumber);
    const preview = await owner.prepareShare(alice.page);
    expect(preview.clips).toHaveLength(1);
    await owner.sendShare(alice.page);

    // The member plays it, decrypted in their browser with the key they unlocked.
    const clip = await playDisclosure(agency.page, url, id, { count: 1 });
    await expectPlays(clip.locator('video'));
    await clip.getByText(preview.clips[0]!.plaintextSha256).waitFor();

    // The evidence archive downloads and verifies offline against the log's key.
    const [download] = await Promise.all([
      agency.page.waitForEvent('download'),
      agency.page.getByRole('link', { name: 'Download evidence archive' }).click(),
    ]);
    const archive = path.join(work, 'evidence.tar');
    await download.saveAs(archive);
    expect((await stat(archive)).size).toBeGreaterThan(0);
    const summary = (await (await fetch(`${url}/api/transparency`)).json()) as { verifierKey: string };
    const verified = await run(process.execPath, [
      CLI,
      'evidence',
      'verify',
      archive,
      '--key',
      summary.verifierKey,
    ]);
    expect(verified.stdout).toContain(`verified: request ${id}`);
    expect(verified.stdout).toContain('1 disclosure(s)');

    // Unpacked, each clip in it opens with the `age` CLI and the member's identity (unwrapped here from the
    // copy the server keeps, with the member's passphrase), to Alice's video as the preview hashed it.
    const unpacked = path.join(work, 'evidence');
    await mkdir(unpacked);
    await run('tar', ['-xf', archive, '-C', unpacked]);
    const wrapped = await agency.page.evaluate(async () => {
      const res = await fetch('/api/agency/keys');
      return (await res.json()) as { wrappedIdentity: string };
    });
    const identityFile = path.join(work, 'member-identity.txt');
    await writeFile(identityFile, `${await unwrapIdentity(wrapped.wrappedIdentity, AGENCY_PASSPHRASE)}\n`, {
      mode: 0o600,
    });
    const clips = await readdir(path.join(unpacked, id, 'disclosures'));
    const ages = clips.filter((f) => f.endsWith('.age'));
    expect(ages).toHaveLength(1);
    const opened = path.join(work, 'opened.mp4');
    await run('age', [
      '-d',
      '-i',
      identityFile,
      '-o',
      opened,
      path.join(unpacked, id, 'disclosures', ages[0]!),
    ]);
    expect(
      createHash('sha256')
        .update(await readFile(opened))
        .digest('hex'),
    ).toBe(preview.clips[0]!.plaintextSha256);

    // The public page counts the shared clip.
    await expect
      .poll(
        async () => {
          await visitor.page.reload();
          return visitor.page.getByTestId('disclosures-count').textContent();
        },
        { timeout: 30_000 },
      )
      .toBe('1');

    // The member files a legal hold on the clip and closes the request; both are public.
    await clip.getByText('Legal hold', { exact: true }).click();
    const hold = clip.getByRole('form', { name: 'File a legal hold' });
    await hold.getByLabel('Why it must be kept').fill('Evidence in the prosecution of the burglary case.');
    await hold.getByRole('button', { name: 'File legal hold' }).click();
    await hold.getByRole('status').filter({ hasText: 'Hold filed' }).waitFor();
    const closing = agency.page.getByRole('form', { name: 'Close the request' });
    await closing.getByLabel('Reason for closing').fill('Suspects identified; no more footage needed.');
    await closing.getByRole('button', { name: 'Close request' }).click();
    await agency.page.locator('.badge--closed').waitFor();
    await visitor.page.reload();
    await visitor.page.getByText('Closed', { exact: true }).first().waitFor();
    await visitor.page.getByText(/Suspects identified; no more footage needed\./).waitFor();
    await visitor.page
      .getByText(new RegExp(`Case ${caseNumber}, kept until .*: Evidence in the prosecution`))
      .waitFor();

    // Readable at 390 px without scrolling sideways.
    expect(
      await visitor.page.evaluate(
        () => document.documentElement.scrollWidth <= document.documentElement.clientWidth,
      ),
    ).toBe(true);

    for (const p of people) expect(p.errors).toEqual([]);
  }, 300_000);
});

/** The <video> has decoded a frame and advances when played. */
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
