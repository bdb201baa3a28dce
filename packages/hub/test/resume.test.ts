import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClipRecord } from '../src/journal.js';
import { main } from '../src/main.js';
import { probeVideo } from '../src/ffmpeg.js';
import { makeTestClip } from './support/fake-frigate.js';
import { pairedStateDir } from './support/hub.js';
import { startHubTestServer, type HubTestServer } from './support/server.js';
import { startStallingProxy } from './support/stalling-proxy.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../..', import.meta.url));
let server: HubTestServer;
let scratch: string;
beforeAll(async () => {
  server = await startHubTestServer({ privacyZones: ['0.6,0.6,1,0.6,1,1,0.6,1'] });
  scratch = await mkdtemp(path.join(os.tmpdir(), 'hub-resume-'));
});
afterAll(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

/** Runs `porchlight-hub` as its own process, the way an owner runs it. */
function spawnHub(args: string[]): ChildProcess & { output: string[] } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/hub/src/main.ts', ...args], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { output: string[] };
  child.output = [];
  child.stdout!.on('data', (b: Buffer) => child.output.push(b.toString()));
  child.stderr!.on('data', (b: Buffer) => child.output.push(b.toString()));
  return child;
}

async function journal(stateDir: string): Promise<ClipRecord[]> {
  try {
    return (
      JSON.parse(await readFile(path.join(stateDir, 'journal.json'), 'utf8')) as { clips: ClipRecord[] }
    ).clips;
  } catch {
    return [];
  }
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      resolve(code);
    }),
  );

describe('crash and restart', () => {
  it('resumes an upload after the hub is killed mid-upload, and stores the clip exactly once', async () => {
    const proxy = await startStallingProxy(server.url, 64 * 1024);
    const stateDir = await pairedStateDir(server, proxy.url);
    const folder = path.join(scratch, 'drop');
    await mkdir(folder);
    const config = path.join(scratch, 'hub.json');
    await writeFile(
      config,
      JSON.stringify({
        sources: [{ type: 'folder', path: folder, camera: server.camera.id, stableMs: 300 }],
      }),
    );
    const before = (await server.clips()).length;

    const first = spawnHub(['run', '--config', config, '--state-dir', stateDir]);
    await makeTestClip(path.join(scratch, 'clip.mp4'), 8, 640, 360, { noise: true });
    await copyFile(path.join(scratch, 'clip.mp4'), path.join(folder, 'porch.mp4'));
    await Promise.race([
      proxy.stalled,
      exited(first).then(() => Promise.reject(new Error(`hub exited: ${first.output.join('')}`))),
      new Promise((_r, reject) =>
        setTimeout(() => {
          reject(
            new Error(`no stall; hub said: ${first.output.join('')}; proxy saw ${proxy.requests.join(', ')}`),
          );
        }, 30_000),
      ),
    ]);
    const uploading = await until('the journal to record the upload URL', async () =>
      (await journal(stateDir)).find((c) => c.uploadUrl),
    );
    first.kill('SIGKILL');
    await exited(first);
    expect(uploading.stage).toBe('uploading');
    expect((await server.clips()).length).toBe(before);

    proxy.passThrough();
    const second = spawnHub(['run', '--config', config, '--state-dir', stateDir]);
    try {
      const done = await until('the clip to be done', async () =>
        (await journal(stateDir)).find((c) => c.stage === 'done'),
      );
      expect(done.ref).toBe(uploading.ref);
      expect(second.output.join('')).toMatch(/resuming from stage "uploading"[\s\S]*resuming upload/);
    } finally {
      second.kill('SIGTERM');
      await exited(second);
      await proxy.close();
    }
    // One creation, then a HEAD to learn the offset and PATCHes from there: resumed, not restarted.
    expect(proxy.requests.filter((r) => r === 'POST /api/uploads')).toHaveLength(1);
    expect(proxy.requests.some((r) => r.startsWith('HEAD /api/uploads/'))).toBe(true);
    const clips = await server.clips();
    expect(clips).toHaveLength(before + 1);

    // The resumed ciphertext is intact: the age CLI verifies every chunk's tag while decrypting.
    const ct = path.join(scratch, 'resumed.age');
    await writeFile(ct, await server.ciphertext(clips[0]!.id));
    await run('age', ['-d', '-i', server.identityFile, '-o', path.join(scratch, 'resumed.mp4'), ct]);
    expect((await probeVideo(path.join(scratch, 'resumed.mp4'))).durationSeconds).toBeCloseTo(8, 0);
  });

  it('treats a clip the server already has as done when the journal was lost (clientRef dedupe)', async () => {
    const file = path.join(scratch, 'once.mp4');
    await makeTestClip(file, 2, 320, 180);
    const before = (await server.clips()).length;
    const out: string[] = [];
    const sink = { write: (s: string) => out.push(s) } as unknown as NodeJS.WritableStream;
    const first = await pairedStateDir(server);
    expect(await main(['upload', file, '--camera', server.camera.id, '--state-dir', first], sink)).toBe(0);
    expect(out.join('')).toMatch(/uploaded: clip cl_[A-Za-z0-9_-]{22}/);
    // The journal is lost (refs are keyed with the pairing's secret, which stays in device.json): the same
    // file uploaded again is refused by the server as a duplicate and counted as done.
    await rm(path.join(first, 'journal.json'));
    expect(await main(['upload', file, '--camera', server.camera.id, '--state-dir', first], sink)).toBe(0);
    const firstId = /uploaded: clip (cl_[A-Za-z0-9_-]{22})/.exec(out.join(''))?.[1];
    expect(firstId).toBeDefined();
    expect(out.join('')).toContain(`uploaded (the server already had this clip: clip ${firstId})`);
    expect(await server.clips()).toHaveLength(before + 1);
  });
});
