import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, stat, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../src/config.js';
import { main } from '../src/main.js';
import { recipientFingerprint } from '../src/pin.js';
import { workName } from '../src/pipeline.js';
import { runCli } from './support/cli.js';
import { makeTestClip } from './support/fake-frigate.js';
import { pairedStateDir, runHub } from './support/hub.js';
import { startHubTestServer, type HubTestServer } from './support/server.js';

/** A well-formed camera id that is nobody's. */
const CAM = 'ca_AAAAAAAAAAAAAAAAAAAAAA';

let server: HubTestServer;
let scratch: string;
beforeAll(async () => {
  server = await startHubTestServer();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'hub-errors-'));
});
afterAll(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('config file', () => {
  it('names every problem with its path', () => {
    const bad = {
      sources: [
        { type: 'frigate', url: 'frigate.local', cameras: {}, severity: ['urgent'] },
        { type: 'rtsp', camera: CAM, url: 'http://cam/stream', seconds: 0 },
        { type: 'homeassistant', token: 'short', listen: 'localhost' },
        { type: 'folder', path: '/srv', camera: CAM, colour: 'red' },
        { type: 'ftp' },
      ],
    };
    let message = '';
    try {
      validateConfig(bad, 'hub.json');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.split('\n')[0]).toBe('hub.json has 9 problem(s):');
    for (const expected of [
      'sources[0].url must be a http: or https: URL, not "frigate.local"',
      'sources[0].cameras must map Frigate camera names to Porchlight camera ids',
      'sources[0].severity[0] must be one of "alert", "detection"',
      'sources[1].url must be a rtsp: or rtsps: URL, not "http://cam/stream"',
      'sources[1].seconds must be a whole number from 1 to 600',
      'sources[2].token must be a secret of at least 16 characters',
      'sources[2].listen must be host:port',
      'sources[3].colour is not a folder option',
      'sources[4].type must be one of "frigate", "homeassistant", "rtsp", "folder"',
    ]) {
      expect(message).toContain(expected);
    }
  });
});

describe('config file ids', () => {
  it('accepts ca_… camera ids and refuses the old numeric ones, saying where the new ones are', () => {
    const config = validateConfig({
      sources: [
        { type: 'frigate', url: 'http://frigate:5000', cameras: { porch: CAM } },
        { type: 'folder', path: '/srv', camera: CAM },
      ],
    });
    expect(config.sources).toMatchObject([{ cameras: { porch: CAM } }, { camera: CAM }]);
    let message = '';
    try {
      validateConfig({
        sources: [
          { type: 'frigate', url: 'http://frigate:5000', cameras: { porch: 3 } },
          { type: 'folder', path: '/srv', camera: '4' },
        ],
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('sources[0].cameras.porch 3 is an old numeric camera id');
    expect(message).toContain('sources[1].camera "4" is an old numeric camera id');
    expect(message).toContain('run `porchlight-hub status`');
    expect(() => validateConfig({ sources: [{ type: 'folder', path: '/srv', camera: -1 }] })).toThrow(
      'sources[0].camera must be a Porchlight camera id (ca_…',
    );
  });
});

describe('help', () => {
  it('documents every command, every source and the Home Assistant YAML', async () => {
    const out: string[] = [];
    const sink = { write: (t: string) => out.push(t) } as unknown as NodeJS.WritableStream;
    expect(await main(['--help'], sink)).toBe(0);
    for (const command of ['pair', 'run', 'status', 'upload']) expect(out.join('')).toContain(command);
    out.length = 0;
    expect(await main(['run', '--help'], sink)).toBe(0);
    const help = out.join('');
    for (const topic of [
      'frigate —',
      'homeassistant —',
      'rtsp —',
      'folder —',
      'rest_command:',
      '/api/review/<id>/clip.mp4',
    ]) {
      expect(help).toContain(topic);
    }
    for (const command of ['pair', 'status', 'upload']) {
      out.length = 0;
      expect(await main([command, '--help'], sink)).toBe(0);
      expect(out.join('')).toContain(`Usage: porchlight-hub ${command}`);
    }
  });
});

describe('errors an owner can act on', () => {
  it('stops at start with "this hub was revoked; pair again" when its token is revoked', async () => {
    const stateDir = await pairedStateDir(server);
    const folder = await mkdtemp(path.join(scratch, 'drop-'));
    await server.revokeDevices();
    // Found before any clip is fetched or journaled, not after the first download.
    await expect(
      runHub(stateDir, {
        sources: [{ type: 'folder', path: folder, camera: server.camera.id, stableMs: 200 }],
      }),
    ).rejects.toThrow('this hub was revoked; pair again with `porchlight-hub pair`');

    const status = await runCli(['status', '--state-dir', stateDir]);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('porchlight-hub: this hub was revoked; pair again');
  });

  it("refuses to start with a camera id that is not one of the owner's, naming it", async () => {
    const stateDir = await pairedStateDir(server);
    const folder = await mkdtemp(path.join(scratch, 'drop-'));
    await expect(
      runHub(stateDir, { sources: [{ type: 'folder', path: folder, camera: CAM, stableMs: 200 }] }),
    ).rejects.toThrow(
      `sources[0] camera ${CAM}: not one of your cameras on ${server.url} (yours: ${server.camera.id}); fix the config`,
    );
  });

  it('pauses on a full disk, says so, and carries on once there is space', async () => {
    const stateDir = await pairedStateDir(server);
    const folder = await mkdtemp(path.join(scratch, 'drop-'));
    // The test knows the clip's ref (and so its work file name) before the hub sees it.
    const staged = path.join(scratch, 'staged.mp4');
    await makeTestClip(staged, 1, 160, 120);
    await utimes(staged, 1_700_000_000, 1_700_000_000);
    const target = path.join(folder, 'a.mp4');
    // The folder source's ref follows path and inode (a rename keeps both the inode and the birth time).
    const { ino, birthtimeMs } = await stat(staged);
    const ref = `folder:${createHash('sha256').update([server.camera.id, target, ino, birthtimeMs].join('\0')).digest('hex').slice(0, 40)}`;
    // The burn-in output is a symlink to /dev/full: every write to it fails with the kernel's ENOSPC.
    await mkdir(path.join(stateDir, 'work'), { recursive: true });
    const full = path.join(stateDir, 'work', `${workName(ref)}.zoned.mp4`);
    await symlink('/dev/full', full);

    const { hub, lines, waitSettled } = await runHub(
      stateDir,
      { sources: [{ type: 'folder', path: folder, camera: server.camera.id, stableMs: 200 }] },
      { diskFullPauseMs: 300 },
    );
    const before = (await server.clips()).length;
    await rename(staged, target);
    const deadline = Date.now() + 30_000;
    while (!lines.some((l) => l.includes('is full; clips are paused until space is freed'))) {
      if (Date.now() > deadline) throw new Error(lines.join('\n'));
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(lines.find((l) => l.includes('is full'))).toBe(
      `error: the disk holding ${stateDir} is full; clips are paused until space is freed`,
    );
    await unlink(full);
    const [done] = await waitSettled(1);
    expect(done).toMatchObject({ ref, stage: 'done' });
    expect(await server.clips()).toHaveLength(before + 1);
    await hub.stop();
  });

  it('names the URL and what answered when the Frigate URL is wrong', async () => {
    const stateDir = await pairedStateDir(server);
    const router = http.createServer((_req, res) =>
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Router login</h1>'),
    );
    await new Promise<void>((resolve) => router.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(router.address() as AddressInfo).port}`;
    const config = path.join(scratch, 'wrong-frigate.json');
    await writeFile(
      config,
      JSON.stringify({ sources: [{ type: 'frigate', url, cameras: { front_door: server.camera.id } }] }),
    );
    try {
      const result = await runCli(['run', '--config', config, '--state-dir', stateDir]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `porchlight-hub: ${url} does not look like Frigate: GET ${url}/api/version answered 404 text/html: "<h1>Router login</h1>"`,
      );
    } finally {
      router.close();
    }
  });

  it('explains a bad config file and an unpaired hub', async () => {
    const config = path.join(scratch, 'bad.json');
    await writeFile(config, '{"sources": [{"type": "folder"}]}');
    const bad = await runCli(['run', '--config', config, '--state-dir', scratch]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('sources[0].path is required');
    const unpaired = await runCli(['status', '--state-dir', path.join(scratch, 'nowhere')]);
    expect(unpaired.code).toBe(1);
    expect(unpaired.stderr).toContain('this hub is not paired');
  });

  it('refuses a wrong pairing code with the server’s reason', async () => {
    const result = await runCli([
      'pair',
      '--server',
      server.url,
      '--code',
      'NOPE-NOPE',
      '--state-dir',
      path.join(scratch, 'p'),
      '--fingerprint',
      recipientFingerprint(server.recipient),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /porchlight-hub: pairing failed — http:\/\/127\.0\.0\.1:\d+ said 4\d\d \w+/,
    );
  });
});
