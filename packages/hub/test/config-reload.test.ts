import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubFileConfig } from '../src/config.js';
import type { ClipRecord } from '../src/journal.js';
import { makeTestClip, startFakeFrigate } from './support/fake-frigate.js';
import { pairedStateDir, runHub } from './support/hub.js';
import { startHubTestServer, type HubTestServer } from './support/server.js';

/**
 * Issue 14: a revoked token, a camera id that is not the owner's and a Frigate camera name Frigate does not
 * have are found at start *and on config change*; a valid change applies without a restart.
 */
/** A well-formed camera id that is nobody's. */
const NOBODYS = 'ca_AAAAAAAAAAAAAAAAAAAAAA';

let server: HubTestServer;
let scratch: string;
beforeAll(async () => {
  server = await startHubTestServer();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'hub-reload-'));
});
afterAll(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

async function until(lines: string[], wanted: (line: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const line = lines.find(wanted);
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`never logged ${what}; log:\n${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Drops a finished clip into a watched folder the way a camera's upload does (write elsewhere, rename). */
async function drop(folder: string, name: string): Promise<void> {
  const staged = path.join(scratch, `staged-${name}`);
  await makeTestClip(staged, 1, 160, 120);
  await rename(staged, path.join(folder, name));
}

describe('config file changes while the hub runs', () => {
  it("applies a valid change without a restart and says what changed; a camera that is not the owner's or a broken file is not applied; a revoked token stops the hub", async () => {
    const stateDir = await pairedStateDir(server);
    const [a, b] = [await mkdtemp(path.join(scratch, 'a-')), await mkdtemp(path.join(scratch, 'b-'))];
    const id = server.camera.id;
    const file = path.join(scratch, 'hub.json');
    const first: HubFileConfig = { sources: [{ type: 'folder', path: a, camera: id, stableMs: 200 }] };
    await writeFile(file, JSON.stringify(first));
    const { hub, lines, waitSettled } = await runHub(stateDir, first, { configFile: file });
    try {
      // A second folder is added: it is watched at once.
      const second: HubFileConfig = {
        sources: [...first.sources, { type: 'folder', path: b, camera: id, stableMs: 200 }],
      };
      await writeFile(file, JSON.stringify(second, null, 2));
      expect(await until(lines, (l) => l.includes('applied without a restart'), 'the change')).toBe(
        `[hub] config file ${file} changed: sources[1] folder ${b} added — applied without a restart`,
      );
      await drop(b, 'b.mp4');
      const [fromB] = await waitSettled(1);
      expect(fromB).toMatchObject({ source: 'folder', stage: 'done', cameraId: id });

      // A camera id that is not the owner's: explained, not applied.
      await writeFile(
        file,
        JSON.stringify({ sources: [{ ...second.sources[0], camera: NOBODYS }, second.sources[1]] }),
      );
      expect(await until(lines, (l) => l.includes(NOBODYS), 'the refusal')).toBe(
        `error: the config file ${file} changed but was not applied: sources[0] camera ${NOBODYS}: not one of ` +
          `your cameras on ${server.url} (yours: ${id}); fix the config; the hub carries on with the previous config`,
      );
      // Not valid JSON (an editor half-way through a save): explained, not applied.
      await writeFile(file, '{"sources": [');
      expect(await until(lines, (l) => l.includes('not valid JSON'), 'the JSON error')).toMatch(
        new RegExp(
          `^error: the config file ${file} changed but was not applied: it is not valid JSON \\(.+\\); the hub carries on with the previous config$`,
        ),
      );
      // The previous config still runs: both folders are watched, with the owner's camera.
      await drop(a, 'a.mp4');
      const [, fromA] = await waitSettled(2);
      expect(fromA).toMatchObject({ source: 'folder', stage: 'done', cameraId: id });
      expect(hub.sources).toHaveLength(2);

      // The token is revoked; the next change finds it before anything else happens.
      await server.revokeDevices();
      await writeFile(file, JSON.stringify(first));
      await until(lines, (l) => l.includes('revoked'), 'the revocation');
      expect(hub.fatal?.message).toBe('this hub was revoked; pair again with `porchlight-hub pair`');
      expect(lines).toContain('error: this hub was revoked; pair again with `porchlight-hub pair`');
    } finally {
      await hub.stop();
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('warns about a Frigate camera name Frigate does not have when a config change adds it', async () => {
    const stateDir = await pairedStateDir(server);
    const frigate = await startFakeFrigate({ mqtt: false });
    const folder = await mkdtemp(path.join(scratch, 'f-'));
    const id = server.camera.id;
    const file = path.join(scratch, 'frigate.json');
    const first: HubFileConfig = { sources: [{ type: 'folder', path: folder, camera: id, stableMs: 200 }] };
    await writeFile(file, JSON.stringify(first));
    const { hub, lines } = await runHub(stateDir, first, { configFile: file });
    try {
      await writeFile(
        file,
        JSON.stringify({
          sources: [
            ...first.sources,
            { type: 'frigate', url: frigate.url, cameras: { frontdoor: id }, pollSeconds: 0 },
          ],
        }),
      );
      await until(lines, (l) => l.includes('has no camera'), 'the warning');
      expect(lines).toContain(
        `[hub] config file ${file} changed: sources[1] frigate ${frigate.url} added — applied without a restart`,
      );
      expect(lines).toContain(
        `warning: Frigate at ${frigate.url} has no camera "frontdoor" (it has: front_door, garage); fix the name in the frigate "cameras" map`,
      );
      // Fixing the name is a change too: the Frigate source restarts with it, and says nothing about it.
      const warnings = lines.filter((l) => l.includes('has no camera')).length;
      await writeFile(
        file,
        JSON.stringify({
          sources: [
            ...first.sources,
            { type: 'frigate', url: frigate.url, cameras: { front_door: id }, pollSeconds: 0 },
          ],
        }),
      );
      await until(lines, (l) => l.includes('changed (cameras)'), 'the fix');
      expect(lines).toContain(
        `[hub] config file ${file} changed: sources[1] frigate ${frigate.url} changed (cameras) — applied without a restart`,
      );
      const started = () => lines.filter((l) => l.startsWith(`[frigate] Frigate 0.14 at ${frigate.url}`));
      for (const deadline = Date.now() + 30_000; started().length < 2 && Date.now() < deadline;)
        await new Promise((r) => setTimeout(r, 100));
      expect(started()).toHaveLength(2);
      expect(lines.filter((l) => l.includes('has no camera'))).toHaveLength(warnings);
    } finally {
      await hub.stop();
      await frigate.close();
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});

describe('a hub upgraded from numeric camera ids', () => {
  it('moves journalled clips to the camera the new config gives their source, and fails the ones it cannot place', async () => {
    const stateDir = await pairedStateDir(server);
    const folder = await mkdtemp(path.join(scratch, 'upgrade-'));
    const video = path.join(scratch, 'queued-before-upgrade.mp4');
    await makeTestClip(video, 1, 160, 120);
    const now = new Date();
    const queued = (ref: string, source: string, cameraId: string): ClipRecord => ({
      ref,
      source,
      cameraId,
      startedAt: new Date(now.getTime() - 60_000).toISOString(),
      endedAt: now.toISOString(),
      stage: 'queued',
      input: video,
      ownsInput: false,
      attempts: 0,
      updatedAt: now.toISOString(),
    });
    // The journal as the previous hub version left it: camera ids were row numbers then.
    await writeFile(
      path.join(stateDir, 'journal.json'),
      JSON.stringify({ clips: [queued('folder:old-1', 'folder', '3'), queued('rtsp:old-2', 'rtsp', '4')] }),
    );
    const id = server.camera.id;
    const { hub, waitSettled } = await runHub(stateDir, {
      sources: [{ type: 'folder', path: folder, camera: id, stableMs: 200 }],
    });
    try {
      const [done] = await waitSettled(1);
      expect(done).toMatchObject({ ref: 'folder:old-1', stage: 'done', cameraId: id });
      expect((await server.clips()).some((c) => c.id === done!.clipId && c.cameraId === id)).toBe(true);
      const journal = JSON.parse(await readFile(path.join(stateDir, 'journal.json'), 'utf8')) as {
        clips: ClipRecord[];
      };
      expect(journal.clips.find((c) => c.ref === 'rtsp:old-2')).toMatchObject({
        stage: 'failed',
        cameraId: '4',
        error: expect.stringContaining('queued under the old camera id 4') as unknown,
      });
    } finally {
      await hub.stop();
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
